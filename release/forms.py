from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ciq_portal.forms import DatePicker, check_as_you_type
from declarations.choices import ReleaseMode

from . import matrix
from .choices import ClearanceBasis, NegativeListKind, PostCheckResult, RiskTier


class MatrixForm(forms.Form):
    """One select per tier x grade cell (field "<tier>__<grade>"), and a note on why it changed."""

    note = forms.CharField(label=_("Why this change"), max_length=300, required=False)

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        cells = cells or matrix.DEFAULT_CELLS
        for tier in matrix.TIERS:
            for grade in matrix.GRADES:
                label = f"{RiskTier(tier).label} × {grade}"
                # The table's headers name the cell for the eye; aria-label names it for a screen reader.
                self.fields[f"{tier}__{grade}"] = forms.ChoiceField(
                    label=label, choices=ReleaseMode.choices, initial=cells[tier][grade],
                    widget=forms.Select(attrs={"aria-label": label}))

    def cells(self) -> dict:
        return {tier: {grade: self.cleaned_data[f"{tier}__{grade}"] for grade in matrix.GRADES}
                for tier in matrix.TIERS}

    def rows(self):
        return [{"tier": RiskTier(tier).label, "cells": [self[f"{tier}__{grade}"] for grade in matrix.GRADES]}
                for tier in matrix.TIERS]


class NegativeListForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NegativeListKind.choices)
    value = forms.CharField(label=_("HS code prefix or category"), max_length=32,
                            help_text=_("e.g. 0201 or meat"))
    min_mode = forms.ChoiceField(label=_("At least"), initial="supervised",
                                 choices=[(mode, label) for mode, label in ReleaseMode.choices
                                          if mode in ("sample", "supervised")])
    reason = forms.CharField(label=_("Reason"), max_length=300)


class DistributionForm(forms.Form):
    buyer_name = forms.CharField(label=_("Buyer"), max_length=200)
    buyer_contact = forms.CharField(label=_("Buyer contact (e-mail or phone)"), max_length=200, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=16, decimal_places=3)
    unit = forms.CharField(label=_("Unit"), max_length=16)
    distributed_on = forms.DateField(label=_("Date"), widget=DatePicker())


# The id of the page's list of the laboratories the bureau relies on.
LAB_LIST = "accredited-labs"


class ReportForm(forms.Form):
    """A third-party test report supplied by the declarant for verify-release (its results: ReportResultFormSet)."""

    lab_accreditation_no = forms.CharField(label=_("Laboratory accreditation number"), max_length=32)
    report_no = forms.CharField(label=_("Report number"), max_length=64)
    issued_on = forms.DateField(label=_("Issued on"), widget=DatePicker())
    hs_codes = forms.CharField(label=_("HS codes of the goods tested"), max_length=200,
                               help_text=_("Separate several codes with commas."))
    lot_numbers = forms.CharField(label=_("Lot numbers"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_as_you_type(self.fields["lab_accreditation_no"], url=reverse("release:lab_check"),
                          choices_list=LAB_LIST)

    def report_kwargs(self, results: list[dict]) -> dict:
        data = self.cleaned_data
        return {"lab_accreditation_no": data["lab_accreditation_no"].strip(), "report_no": data["report_no"],
                "issued_on": data["issued_on"], "lot_numbers": data.get("lot_numbers", ""), "results": results,
                "hs_codes": [c.strip() for c in data["hs_codes"].split(",") if c.strip()]}


class ReportResultForm(forms.Form):
    """One result of the report; a row left empty is skipped."""

    test_item = forms.CharField(label=_("Test item"), max_length=64, required=False)
    value = forms.CharField(label=_("Result"), max_length=32, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=16, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("test_item") and (data.get("value") or data.get("unit")):
            self.add_error("test_item", _("Test item: name what this result measured."))
        return data


class BaseReportResultFormSet(forms.BaseFormSet):
    def results(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("test_item")]


REPORT_RESULTS_PREFIX = "results"
MAX_REPORT_RESULTS = 50
ReportResultFormSet = forms.formset_factory(ReportResultForm, formset=BaseReportResultFormSet, extra=0,
                                            max_num=MAX_REPORT_RESULTS, validate_max=True,
                                            absolute_max=MAX_REPORT_RESULTS)


def report_results_formset(data=None):
    """The report's result rows: one empty row to start with, as many as the declarant adds."""
    return ReportResultFormSet(data, initial=None if data is not None else [{}], prefix=REPORT_RESULTS_PREFIX)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("accept", _("Verified: release the goods")),
                                          ("refuse", _("Refuse the report"))])
    reason = forms.CharField(label=_("Reason (required to refuse)"), max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class RecallForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revocation"), max_length=300)


class RecallCloseForm(forms.Form):
    note = forms.CharField(label=_("Closing note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AcknowledgeForm(forms.Form):
    by_name = forms.CharField(label=_("Your name and company"), max_length=120)
    note = forms.CharField(label=_("What you did with the goods"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class PostCheckScheduleForm(forms.Form):
    scheduled_for = forms.DateField(label=_("Date"), widget=DatePicker())
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PostCheckRecordForm(forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=PostCheckResult.choices)
    findings = forms.CharField(label=_("Findings"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))


class DashboardFilterForm(forms.Form):
    first = forms.DateField(label=_("From"), required=False, widget=DatePicker())
    last = forms.DateField(label=_("Until"), required=False, widget=DatePicker())
    # Suggestions by name (declarations' port_datalist on the page): type 宁波, get NGB.
    port = forms.CharField(label=_("Port"), max_length=16, required=False,
                           widget=forms.TextInput(attrs={"list": "ports"}))
    grade = forms.ChoiceField(label=_("Credit grade"), required=False,
                              choices=[("", _("All grades"))] + [(g, g) for g in matrix.GRADES])
    basis = forms.ChoiceField(label=_("Clearance time"), required=False, initial=ClearanceBasis.SUBMISSION,
                              choices=[(ClearanceBasis.SUBMISSION, ClearanceBasis.SUBMISSION.label),
                                       (ClearanceBasis.ARRIVAL, ClearanceBasis.ARRIVAL.label)])
    site = forms.CharField(label=_("Inspection site"), max_length=16, required=False)

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["first"] > data["last"]:
            self.add_error("last", _("The end of the period comes before its start."))
        return data


class BulkSubmitForm(forms.Form):
    declarations = forms.TypedMultipleChoiceField(label=_("Drafts"), coerce=int, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    import_job = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, drafts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["declarations"].choices = [(d.pk, d.number) for d in drafts]
