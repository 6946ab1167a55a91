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


class PolicyForm(forms.Form):
    ratio_aa = _ratio_field(_("AA (advanced certified)"))
    ratio_a = _ratio_field(_("A (certified)"))
    ratio_b = _ratio_field(_("B (general)"))
    ratio_c = _ratio_field(_("C (under watch)"))
    ratio_d = _ratio_field(_("D (dishonest)"))
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
