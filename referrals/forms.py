from django import forms
from django.utils.translation import gettext_lazy as _

from ciq_portal.models import Agency, AgencyScope

from .choices import ReferralKind, ReferralOutcome


def referral_agencies() -> list[Agency]:
    """The active agencies granted the case referral scope: those a case may be referred to."""
    return [a for a in Agency.objects.filter(is_active=True).order_by("code") if AgencyScope.CASE_REFERRAL in a.scopes]


class ReferralForm(forms.Form):
    agency = forms.ChoiceField(label=_("Refer to"))
    kind = forms.ChoiceField(label=_("Kind"), choices=ReferralKind.choices)
    declaration_number = forms.CharField(label=_("Declaration number"), max_length=32, required=False)
    container_no = forms.CharField(label=_("Container number"), max_length=16, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=300)
    details = forms.CharField(label=_("Details"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    evidence_description = forms.CharField(label=_("Evidence"), max_length=300, required=False,
                                           help_text=_("For example: photos of the labels, lab report."))
    evidence_reference = forms.CharField(label=_("Evidence reference"), max_length=200, required=False,
                                         help_text=_("Exhibit number, file name or link."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, a.display_name) for a in referral_agencies()]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReferralOutcome.choices)
    detail = forms.CharField(label=_("Detail"), widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=300)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
    document = forms.ChoiceField(label=_("Declaration document"), required=False)

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        documents = referral.declaration.documents.all() if referral is not None and referral.declaration_id else []
        self.fields["document"].choices = [("", "—")] + [(d.pk, f"{d.get_kind_display()} · {d.original_name}")
                                                         for d in documents]
