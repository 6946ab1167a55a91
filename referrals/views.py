"""Officers' pages for case referrals (案件通报移交): the list, referring a case, and acting on one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import Role, has_role, require_role

from . import selectors, services, transitions
from .choices import ReferralDirection, ReferralStatus
from .filtersets import CaseReferralFilterSet
from .forms import AcknowledgeForm, EvidenceForm, OutcomeForm, ReferralForm, WithdrawForm

ACTORS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
READERS = (*ACTORS, Role.RISK_ANALYST)


@login_required
def referral_list(request):
    require_role(request.user, *READERS)
    filterset = CaseReferralFilterSet(request.GET or None, queryset=selectors.case_referral_list(user=request.user))
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    open_incoming = selectors.case_referral_list(user=request.user).filter(
        direction=ReferralDirection.FROM_AGENCY, status=ReferralStatus.REFERRED).count()
    return render(request, "referrals/list.html", {
        "filterset": filterset, "page_obj": page, "open_incoming": open_incoming,
        "may_refer": has_role(request.user, *ACTORS)})


@login_required
def referral_create(request):
    require_role(request.user, *ACTORS)
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
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Case %(number)s referred.") % {"number": referral.number})
            return redirect("referrals:detail", pk=referral.pk)
    return render(request, "referrals/new.html", {"form": form})


def _side(referral):
    # Bureau staff refer outgoing cases and receive incoming ones.
    return transitions.REFERRER if referral.direction == ReferralDirection.TO_AGENCY else transitions.RECEIVER


@login_required
def referral_detail(request, pk):
    require_role(request.user, *READERS)
    referral = selectors.case_referral_get(user=request.user, pk=pk)
    side = _side(referral)
    may_act = has_role(request.user, *ACTORS)
    return render(request, "referrals/detail.html", {
        "referral": referral, "evidence": referral.evidence.all(),
        "acknowledge_form": AcknowledgeForm() if may_act and transitions.can(
            "acknowledge", referral.status, side) else None,
        "outcome_form": OutcomeForm() if may_act and transitions.can(
            "report_outcome", referral.status, side) else None,
        "withdraw_form": WithdrawForm() if may_act and transitions.can(
            "withdraw", referral.status, side) else None,
        "evidence_form": EvidenceForm(referral=referral) if may_act and transitions.can(
            "add_evidence", referral.status, side) else None,
    })


@login_required
@require_POST
def referral_action(request, pk, move):
    require_role(request.user, *ACTORS)
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
    return redirect("referrals:detail", pk=referral.pk)
