from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .login_throttle import login_address_failure_count, login_address_refused
from .messaging import message_send
from .models import MessageChannel, MessagePurpose


class DatePicker(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601: the picker reads no other format, so the Chinese
    locale's 2026/01/01 would leave it blank."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CheckedAsYouTypeBoundField(forms.BoundField):
    """A field the server checks as the user types: its answer, under the field in ``<id>_check``, describes the
    control as its help text and errors do (``partials/field.html`` renders the answer's place)."""

    @property
    def aria_describedby(self):
        described = super().aria_describedby
        if described is None or not self.auto_id:
            return described
        return " ".join(filter(None, [described, f"{self.auto_id}_check"]))


def check_as_you_type(field, *, url: str, choices_list: str = "", include: str = ""):
    """Have ``url`` (a GET answering an HTML fragment in the reader's language) check ``field`` with htmx as the
    user types, pausing; ``choices_list``: the id of a ``<datalist>`` of the values to choose from; ``include``:
    an htmx selector of other fields the check reads (the goods line's HS code)."""
    field.bound_field_class = CheckedAsYouTypeBoundField
    field.checked_as_you_type = True
    field.widget.attrs.update({"hx-get": url, "hx-trigger": "input changed delay:400ms, change",
                               "hx-target": "next .field-check", "hx-sync": "this:replace", "autocomplete": "off"})
    if choices_list:
        field.widget.attrs["list"] = choices_list
    if include:
        field.widget.attrs["hx-include"] = include


class DateTimePicker(forms.DateTimeInput):
    """The browser's date-and-time picker, with the ISO 8601 value it reads whatever the page's language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
                        help_text=_("A declaration or certificate number, a container, a bill of lading, an "
                                    "enterprise's name or unified social credit code."))
class PasswordResetByMessageForm(PasswordResetForm):
    """Django's reset form, its mail sent as a delivery record (followed and sent again on the bureau's page)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message_send(channel=MessageChannel.EMAIL, recipient=to_email, subject=subject,
                     body=render_to_string(email_template_name, context), purpose=MessagePurpose.PASSWORD_RESET,
                     reference=context["user"].get_username())


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Code from the authenticator app"), max_length=8, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"),
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def clean(self):
        if self.request is not None and login_address_refused(self.request):
            raise ValidationError(_("Too many failed log-ins from your address; try again in %(minutes)s minutes.")
                                  % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
                                  code="throttled")
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None:
                login_address_failure_count(self.request)
            raise


def errors_to_forms(exc: ValidationError, form, *, line_forms=(), line_field_prefix="lines") -> None:
    """Put a service's ValidationError onto the forms it came from: ``field`` next to ``form``'s field,
    ``lines.<i>.<field>`` next to the field of the i-th of ``line_forms`` (the forms whose data went to the service,
    in order); anything else (or a field the form does not have) above ``form``, as a non-field error."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for key, messages in errors.items():
        target_form, name = form, key
        if key and key.startswith(f"{line_field_prefix}.") and key.count(".") >= 2:
            _prefix, index, name = key.split(".", 2)
            if index.isdigit() and int(index) < len(line_forms):
                target_form = line_forms[int(index)]
        if name == "__all__" or name not in target_form.fields:
            name = None
        for message in messages:
            target_form.add_error(name, message)


def instance_form(form_class, request, instance, *, fixed=()):
    """``form_class`` bound to the request's POST, showing ``instance``'s values when it edits one; the ``fixed``
    fields (the key the page's address names) shown but not editable."""
    initial = {name: getattr(instance, name) for name in form_class.base_fields} if instance else None
    form = form_class(request.POST or None, initial=initial)
    if instance:
        for name in fixed:
            form.fields[name].disabled = True
    return form


def form_save(request, form, save):
    """``save(**form.cleaned_data)`` (a service; the fields shown disabled never reach it) on a POST whose form is
    valid, and its answer; None on a GET, on an invalid form, or when the service refused (its errors then stand next
    to the fields)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(**{name: value for name, value in form.cleaned_data.items() if not form.fields[name].disabled})
    except ValidationError as exc:
        errors_to_forms(exc, form)
        return None


WEEKDAYS = [(1, _("Monday")), (2, _("Tuesday")), (3, _("Wednesday")), (4, _("Thursday")), (5, _("Friday")),
            (6, _("Saturday")), (7, _("Sunday"))]


class CalendarDaysField(forms.CharField):
    """One day a line: ``2026-10-01 holiday National Day`` or ``2026-10-10 workday National Day`` (the name is
    optional); parsed into dicts of day, kind and name."""

    widget = forms.Textarea(attrs={"rows": 16, "spellcheck": "false"})

    def to_python(self, value):
        entries = []
        for number, line in enumerate((super().to_python(value) or "").splitlines(), start=1):
            parts = line.split(maxsplit=2)
            if not parts:
                continue
            if len(parts) < 2:
                raise ValidationError(_("Line %(n)s: give the date and holiday or workday.") % {"n": number})
            try:
                day = forms.DateField().to_python(parts[0])
            except ValidationError as exc:
                raise ValidationError(_("Line %(n)s: %(d)s is not a date.") % {"n": number, "d": parts[0]}) from exc
            entries.append({"day": day, "kind": parts[1].lower(), "name": parts[2] if len(parts) > 2 else ""})
        return entries

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{e['day']} {e['kind']} {e.get('name', '')}".rstrip() for e in value)
        return value


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    work_starts = forms.TimeField(label=_("Working day starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    work_ends = forms.TimeField(label=_("Working day ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    weekend_days = forms.TypedMultipleChoiceField(label=_("Days off every week"), choices=WEEKDAYS, coerce=int,
                                                  required=False, widget=forms.CheckboxSelectMultiple)
    days = CalendarDaysField(label=_("Public holidays and adjusted working days"), required=False,
                             help_text=_("One day a line: the date, holiday or workday, and a name, e.g. "
                                         "2026-10-01 holiday National Day, or 2026-10-10 workday National Day."))
