"""Officers' pages for case referrals (案件通报移交): the list, referring a case, and acting on one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ciq_portal.models import Agency as PartnerAgency
from ciq_portal.models import AgencyScope
from ciq_portal.roles import Role, has_role

from . import selectors, services, transitions
from .choices import ReferralDirection, ReferralKind, ReferralOutcome, ReferralStatus
from .filtersets import CaseReferralFilterSet

ACTORS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
READERS = (*ACTORS, Role.RISK_ANALYST)


def _require(user, *roles):
    if not has_role(user, *roles):
        raise PermissionDenied


def _errors_to_form(form, exc: ValidationError):
    for name, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
        form.add_error(name if name in form.fields else None, errors)


def referral_agencies():
    return [a for a in PartnerAgency.objects.filter(is_active=True).order_by("code")
            if AgencyScope.CASE_REFERRAL in a.scopes]


class ReferralForm(forms.Form):
    agency = forms.ChoiceField(label=gettext_lazy("Refer to"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ReferralKind.choices)
    declaration_number = forms.CharField(label=gettext_lazy("Declaration number"), max_length=32, required=False)
    container_no = forms.CharField(label=gettext_lazy("Container number"), max_length=16, required=False)
    summary = forms.CharField(label=gettext_lazy("Summary"), max_length=300)
    details = forms.CharField(label=gettext_lazy("Details"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    evidence_description = forms.CharField(label=gettext_lazy("Evidence"), max_length=300, required=False,
                                           help_text=gettext_lazy("For example: photos of the labels, lab report."))
    evidence_reference = forms.CharField(label=gettext_lazy("Evidence reference"), max_length=200, required=False,
                                         help_text=gettext_lazy("Exhibit number, file name or link."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.code, a.display_name) for a in referral_agencies()]


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=ReferralOutcome.choices)
    detail = forms.CharField(label=gettext_lazy("Detail"), widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300)
    reference = forms.CharField(label=gettext_lazy("Reference"), max_length=200, required=False)
    document = forms.ChoiceField(label=gettext_lazy("Declaration document"), required=False)

    def __init__(self, *args, referral=None, **kwargs):
        super().__init__(*args, **kwargs)
        documents = referral.declaration.documents.all() if referral is not None and referral.declaration_id else []
        self.fields["document"].choices = [("", "—")] + [(d.pk, f"{d.get_kind_display()} · {d.original_name}")
                                                         for d in documents]


@login_required
def referral_list(request):
    _require(request.user, *READERS)
    filterset = CaseReferralFilterSet(request.GET or None, queryset=selectors.case_referral_list(user=request.user))
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    open_incoming = selectors.case_referral_list(user=request.user).filter(
        direction=ReferralDirection.FROM_AGENCY, status=ReferralStatus.REFERRED).count()
    return render(request, "inspection/referrals/list.html", {
        "filterset": filterset, "page_obj": page, "open_incoming": open_incoming,
        "may_refer": has_role(request.user, *ACTORS)})


@login_required
def referral_create(request):
    _require(request.user, *ACTORS)
    initial = {"declaration_number": request.GET.get("declaration", "")}
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        evidence = ([{"description": data["evidence_description"], "reference": data["evidence_reference"]}]
                    if data["evidence_description"] else [])
        try:
            referral = services.case_referral_create(
                actor=request.user, agency=data["agency"], kind=data["kind"], summary=data["summary"],
                details=data["details"], declaration_number=data["declaration_number"],
                container_no=data["container_no"], evidence=evidence)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Case %(number)s referred.") % {"number": referral.number})
            return redirect("inspection:referral", pk=referral.pk)
    return render(request, "inspection/referrals/new.html", {"form": form})


def _side(referral):
    # Bureau staff refer outgoing cases and receive incoming ones.
    return transitions.REFERRER if referral.direction == ReferralDirection.TO_AGENCY else transitions.RECEIVER


@login_required
def referral_detail(request, pk):
    _require(request.user, *READERS)
    referral = selectors.case_referral_get(user=request.user, pk=pk)
    side = _side(referral)
    may_act = has_role(request.user, *ACTORS)
    return render(request, "inspection/referrals/detail.html", {
        "referral": referral, "evidence": referral.evidence.all(),
        "acknowledge_form": AcknowledgeForm() if may_act and transitions.referral_can(
            "acknowledge", referral.status, side) else None,
        "outcome_form": OutcomeForm() if may_act and transitions.referral_can(
            "report_outcome", referral.status, side) else None,
        "withdraw_form": WithdrawForm() if may_act and transitions.referral_can(
            "withdraw", referral.status, side) else None,
        "evidence_form": EvidenceForm(referral=referral) if may_act and transitions.referral_can(
            "add_evidence", referral.status, side) else None,
    })


@login_required
@require_POST
def referral_action(request, pk, move):
    _require(request.user, *ACTORS)
    referral = selectors.case_referral_get(user=request.user, pk=pk)
    forms_by_move = {"acknowledge": AcknowledgeForm, "outcome": OutcomeForm, "withdraw": WithdrawForm,
                     "evidence": EvidenceForm}
    if move not in forms_by_move:
        raise PermissionDenied
    form = (EvidenceForm(request.POST, referral=referral) if move == "evidence"
            else forms_by_move[move](request.POST))
    if form.is_valid():
        data = form.cleaned_data
        try:
            if move == "acknowledge":
                services.case_referral_acknowledge(referral=referral, actor=request.user, note=data["note"])
            elif move == "outcome":
                services.case_referral_report_outcome(referral=referral, actor=request.user, outcome=data["outcome"],
                                                      detail=data["detail"])
            elif move == "withdraw":
                services.case_referral_withdraw(referral=referral, actor=request.user, reason=data["reason"])
            else:
                services.case_evidence_add(referral=referral, actor=request.user, description=data["description"],
                                           reference=data["reference"], document=data["document"] or None)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Case %(number)s updated.") % {"number": referral.number})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("inspection:referral", pk=referral.pk)
