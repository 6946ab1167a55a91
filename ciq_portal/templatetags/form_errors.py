"""The error summary of a page's forms (the GOV.UK Design System's pattern): every error listed once at the head of
the forms, each a link to its field; the summary takes focus when the page loads (static/js/portal.js)."""

from django import forms, template

from .punctuation import colon

register = template.Library()


def _anchor(field) -> str:
    """The id the summary links to: the control, or a group's first option (radio buttons, check boxes)."""
    if field.id_for_label:
        return field.id_for_label
    options = field.subwidgets
    return options[0].id_for_label if options else ""


def _named(field, message: str) -> str:
    """The message as the summary lists it: naming its field where the message itself does not ("Enter a
    number." beside the quantity reads "Quantity: Enter a number." away from it)."""
    label = str(field.label or "")
    if not label or label.lower() in message.lower():
        return message
    return f"{label}{colon()}{message}"


def _form_errors(form) -> list[dict]:
    items = [{"message": message, "anchor": ""} for message in form.non_field_errors()]
    for field in form:
        items += [{"message": _named(field, message), "anchor": _anchor(field)} for message in field.errors]
    return items


def error_list(*forms_and_formsets) -> list[dict]:
    """Each error of the given forms and formsets, in page order: ``{"message", "anchor"}`` (the field's id)."""
    items = []
    for item in forms_and_formsets:
        if isinstance(item, forms.BaseFormSet):
            if not item.is_bound:
                continue
            items += [{"message": message, "anchor": ""} for message in item.non_form_errors()]
            for form in item.forms:
                items += _form_errors(form)
        elif isinstance(item, forms.BaseForm) and item.is_bound:
            items += _form_errors(item)
    return items


@register.inclusion_tag("partials/error_summary.html")
def error_summary(*forms_and_formsets):
    """``{% error_summary form formset %}``: nothing when they hold no error."""
    return {"errors": error_list(*forms_and_formsets)}
