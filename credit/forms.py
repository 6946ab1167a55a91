from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ObjectionStatus


class ObjectionForm(forms.Form):
    reason = forms.CharField(label=_("Grounds for the objection"), widget=forms.Textarea(attrs={"rows": 5}),
                             max_length=4000)


class ObjectionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("start_review", _("Start the review")),
        (ObjectionStatus.UPHELD.value, _("Uphold (void the events behind the change and regrade)")),
        (ObjectionStatus.REJECTED.value, _("Reject")),
    ])
    decision_note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                    max_length=4000)


def _ratio_field(label):
    return forms.DecimalField(label=label, min_value=Decimal("0"), max_value=Decimal("1"), max_digits=6,
                              decimal_places=5, help_text=_("A fraction: 0.0244 means 2.44 %."))


def _budget_field(label):
    return forms.DecimalField(label=label, min_value=Decimal("0"), max_value=Decimal("1"), max_digits=6,
                              decimal_places=5,
                              help_text=_("The share inspected in all, the random sample included: 0.0244 means "
                                          "2.44 %."))


class PolicyForm(forms.Form):
    budget_aa = _budget_field(_("AA budget (advanced certified)"))
    ratio_aa = _ratio_field(_("AA random ratio"))
    budget_a = _budget_field(_("A budget (certified)"))
    ratio_a = _ratio_field(_("A random ratio"))
    budget_b = _budget_field(_("B budget (general)"))
    ratio_b = _ratio_field(_("B random ratio"))
    budget_c = _budget_field(_("C budget (under watch)"))
    ratio_c = _ratio_field(_("C random ratio"))
    budget_d = _budget_field(_("D budget (dishonest)"))
    ratio_d = _ratio_field(_("D random ratio"))
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
