from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ciq_portal.forms import DatePicker

from .choices import EnterpriseKind, ObjectionStatus


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


class DelegationForm(forms.Form):
    broker_uscc = forms.CharField(label=_("Customs broker's unified social credit code"), max_length=18)
    hs_chapters = forms.CharField(label=_("HS chapters"), required=False, max_length=300,
                                  help_text=_("Two-digit chapters separated by spaces or commas (e.g. 03 84); "
                                              "empty: all goods."))
    ports = forms.CharField(label=_("Ports / offices of entry"), required=False, max_length=300,
                            help_text=_("Office codes separated by spaces or commas (e.g. NGB); empty: every port."))
    valid_from = forms.DateField(label=_("Valid from"), widget=DatePicker())
    valid_until = forms.DateField(label=_("Valid until"), widget=DatePicker())


class ApplicationForm(forms.Form):
    uscc = forms.CharField(label=_("Unified social credit code"), max_length=18,
                           help_text=_("18 characters, as on the business licence."))
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300)
    kind = forms.ChoiceField(label=_("The enterprise is"), choices=[
        (EnterpriseKind.IMPORTER.value, EnterpriseKind.IMPORTER.label),
        (EnterpriseKind.CUSTOMS_BROKER.value, EnterpriseKind.CUSTOMS_BROKER.label)])
    contact_name = forms.CharField(label=_("Contact person"), max_length=100,
                                   help_text=_("Becomes the enterprise's administrator on the portal."))
    contact_email = forms.EmailField(label=_("Contact e-mail"), max_length=254)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=32)
    licence = forms.FileField(label=_("Business licence (PDF)"),
                              widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}))


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusal"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
