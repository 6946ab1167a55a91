"""The release desk: a declaration's decision and the steps of the clearance pipeline that officers and declarants
take there (reports supplied and verified, sample-release, conclusion, resumption), the verification queue and
direct release."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import Role, has_role, is_bureau_user, require_role
from declarations.views import declarations as declaration_views
from inspection import selectors as inspection_selectors
from inspection import transitions as inspection_transitions
from inspection.forms import ConclusionForm

from .. import forms, selectors, services
from ..extensions import report_form_initial
from .access import BUREAU_DESK


def _decision_context(request, decision, **forms_):
    bureau = is_bureau_user(request.user)
    declaration = decision.declaration
    task = decision.task
    reports = list(declaration.test_reports.select_related("lab").order_by("-created_at"))
    return {
        "decision": decision, "declaration": declaration, "bureau": bureau, "task": task,
        "release": getattr(declaration, "release", None),
        "reports": reports, "can_desk": has_role(request.user, *BUREAU_DESK),
        "forced_by": decision.forced_by if bureau else [],
        "report_form": forms_.get("report_form") or forms.ReportForm(initial=report_form_initial(declaration)),
        "lab_list": forms.LAB_LIST, "labs": inspection_selectors.labs_relied_on(user=request.user),
        "results_formset": forms_.get("results_formset") or forms.report_results_formset(),
        "verify_form": forms_.get("verify_form") or forms.VerifyForm(),
        "conclusion_form": forms_.get("conclusion_form") or ConclusionForm(),
        "can_verify": has_role(request.user, Role.OFFICER, Role.SUPERVISOR) and services.awaits_verification(decision),
        "can_sample_release": services.sample_release_possible(decision, task),
        "can_resume": services.resume_possible(decision, declaration),
        "can_conclude": task is not None and inspection_transitions.can_move("conclude", task.status),
    }


def _decision(request, pk):
    return selectors.decision_for_declaration(user=request.user, declaration_pk=pk)


@login_required
def decision_detail(request, pk):
    decision = _decision(request, pk)
    return render(request, "release/decision.html", _decision_context(request, decision))


@login_required
@require_POST
def report_supply(request, pk):
    """Posted from the release desk or from the declaration's page (``on_page=declaration``), which it answers."""
    require_role(request.user, Role.DECLARANT)
    decision = _decision(request, pk)
    on_declaration_page = request.POST.get("on_page") == "declaration"
    form, results = forms.ReportForm(request.POST), forms.report_results_formset(request.POST)
    if form.is_valid() and results.is_valid():
        try:
            report = services.verify_report_supply(declaration=decision.declaration, actor=request.user,
                                                   **form.report_kwargs(results.results()))
            if report.check_ok:
                messages.success(request, _("Report supplied: an officer will verify it."))
            else:
                messages.warning(request, _("Report supplied, but it fails the automatic checks listed below: an "
                                            "officer will decide. You may supply another report."))
            if on_declaration_page:
                return redirect("declarations:detail", pk=pk)
            return redirect("release:decision", pk=pk)
        except ValidationError as exc:
            errors_to_forms(exc, form)
    if on_declaration_page:
        return declaration_views.step_refused(request, decision.declaration,
                                              {"report_form": form, "results_formset": results})
    return render(request, "release/decision.html",
                  _decision_context(request, decision, report_form=form, results_formset=results), status=400)


@login_required
def lab_check(request):
    """The report's laboratory checked as the declarant types its accreditation number (htmx): registered, and
    relied on today? The answer goes under the field."""
    require_role(request.user, Role.DECLARANT, *BUREAU_DESK)
    typed = request.GET.get("lab_accreditation_no", "").strip()
    lab = inspection_selectors.lab_by_accreditation(user=request.user, accreditation_no=typed)
    relied_on = lab is not None and inspection_selectors.labs_relied_on(user=request.user).filter(pk=lab.pk).exists()
    return render(request, "release/_lab_check.html", {"typed": typed, "lab": lab, "relied_on": relied_on})


@login_required
@require_POST
def report_verify(request, pk, report_pk):
    require_role(request.user, Role.OFFICER, Role.SUPERVISOR)
    decision = _decision(request, pk)
    report = decision.declaration.test_reports.filter(pk=report_pk).first()
    if report is None:
        raise Http404
    form = forms.VerifyForm(request.POST)
    if form.is_valid():
        try:
            services.verify_release_decide(declaration=decision.declaration, report=report,
                                           accept=form.cleaned_data["decision"] == "accept",
                                           reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("Verification recorded."))
            return redirect("release:decision", pk=pk)
        except ValidationError as exc:
            errors_to_forms(exc, form)
    return render(request, "release/decision.html", _decision_context(request, decision, verify_form=form),
                  status=400)


@login_required
@require_POST
def sample_release(request, pk):
    require_role(request.user, Role.OFFICER, Role.SUPERVISOR)
    decision = _decision(request, pk)
    if decision.task is None:  # no inspection was opened, so nothing can have been sampled
        messages.error(request, _("Take and seal a sample first."))
        return redirect("release:decision", pk=pk)
    try:
        services.sample_release(task=decision.task, actor=request.user)
        messages.success(request, _("Released after sampling; the laboratory result will follow."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("release:decision", pk=pk)


@login_required
@require_POST
def conclude(request, pk):
    require_role(request.user, Role.OFFICER, Role.SUPERVISOR)
    decision = _decision(request, pk)
    form = ConclusionForm(request.POST)
    if form.is_valid() and decision.task is not None:
        try:
            services.clearance_conclude(task=decision.task, conclusion=form.cleaned_data["conclusion"],
                                        disposition=form.cleaned_data["disposition"],
                                        note=form.cleaned_data.get("note", ""), actor=request.user)
            messages.success(request, _("Inspection concluded."))
            return redirect("release:decision", pk=pk)
        except ValidationError as exc:
            errors_to_forms(exc, form)
    return render(request, "release/decision.html", _decision_context(request, decision, conclusion_form=form),
                  status=400)


@login_required
@require_POST
def resume(request, pk):
    require_role(request.user, Role.OFFICER, Role.SUPERVISOR)
    decision = _decision(request, pk)
    try:
        services.clearance_resume(declaration=decision.declaration, actor=request.user,
                                  note=request.POST.get("note", ""))
        messages.success(request, _("Hold lifted: the release continues."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("release:decision", pk=pk)


@login_required
def verification_queue(request):
    require_role(request.user, *BUREAU_DESK)
    return render(request, "release/verification_queue.html", {
        "decisions": selectors.verification_queue()[:200]})


@login_required
def direct_release(request):
    require_role(request.user, *BUREAU_DESK)
    office = request.GET.get("office", "").strip().upper()
    return render(request, "release/direct_release.html", {
        "decisions": selectors.direct_release_list(office=office)[:200], "office": office})
