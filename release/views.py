"""The release app's pages: supervisors' dashboard and policy tables, releases and their after-life (distribution,
recalls, post-release checks), the officers' verification and release desk, and the public pages (trace code,
certificate verification, statistics, recall acknowledgement) which show nothing private."""

import csv
import io
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_POST

from ciq_portal.forms import service_errors_to_form
from ciq_portal.roles import Role, has_role, is_bureau_user, require_role

from . import certificates, charts, forms, matrix, selectors, services
from .choices import RecallStatus, RiskTier
from .models import NegativeListEntry, PostReleaseCheck

SUPERVISORS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
BUREAU_DESK = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
# A partner agency reads releases over the API (the paperless release order), never these pages: they show the
# importer's buyers and the recall's acknowledgement links.
RELEASE_PAGE_ROLES = (*BUREAU_DESK, Role.DECLARANT, Role.RISK_ANALYST)


# --- Dashboard ----------------------------------------------------------------------------------------------------


def _period(request) -> tuple[forms.DashboardFilterForm, selectors.Period]:
    today = timezone.localdate()
    period = selectors.Period(first=today - timedelta(days=29), last=today)
    form = forms.DashboardFilterForm(request.GET or None,
                                     initial={"first": period.first, "last": period.last, "basis": period.basis})
    if form.is_valid():
        data = form.cleaned_data
        period = selectors.Period(first=data.get("first") or period.first, last=data.get("last") or period.last,
                                  port=(data.get("port") or "").strip().upper(), grade=data.get("grade") or "",
                                  basis=data.get("basis") or "submission")
    return form, period


def _mode_label(mode):
    return str(dict(matrix_mode_choices()).get(mode, mode))


def matrix_mode_choices():
    from declarations.choices import ReleaseMode

    return ReleaseMode.choices


def _percent(value):
    return None if value is None else round(100 * value, 2)


def dashboard_tables(data) -> list[dict]:
    """The dashboard as tables (the same figures as the charts; also the CSV/XLSX export)."""
    tables = [
        {"key": "releases", "title": _("Releases by mode"),
         "columns": [_("Release mode"), _("Released"), _("Decided")],
         "rows": [[_mode_label(r["mode"]), r["released"], r["decided"]] for r in data["by_mode"]]},
        {"key": "clearance", "title": _("Clearance time per mode (hours)"),
         "columns": [_("Release mode"), _("Median"), _("90th percentile"), _("Mean"), _("Consignments timed")],
         "rows": [[_mode_label(r["mode"]), r["median_hours"], r["p90_hours"], r["mean_hours"], r["timed"]]
                  for r in data["by_mode"]]},
        {"key": "ratios", "title": _("Inspection ratio per grade against the policy target (%)"),
         "columns": [_("Credit grade"), _("Decided"), _("Inspected"), _("Achieved %"), _("Target %"),
                     _("Random sample %")],
         "rows": [[r["grade"], r["decided"], r["inspected"], _percent(r["achieved"]), _percent(r["target"]),
                   _percent(r["random_ratio"])] for r in data["by_grade"]]},
        {"key": "hit_rate", "title": _("Hit rate: risk-targeted against random inspections"),
         "columns": [_("Inspections"), _("Concluded"), _("Non-conform"), _("Hit rate %")],
         "rows": [[_("Risk-targeted") if r["kind"] == "targeted" else _("Random control sample"), r["concluded"],
                   r["nonconform"], _percent(r["rate"])] for r in data["hit_rate"]]},
        {"key": "queue", "title": _("Queue age (open inspection tasks now)"),
         "columns": [_("Waiting"), _("Tasks")],
         "rows": [[(f"{b['low']}–{b['high']} h" if b["high"] else f"≥ {b['low']} h"), b["count"]]
                  for b in data["queue"]["bands"]]},
        {"key": "workload", "title": _("Inspector workload"),
         "columns": [_("Officer"), _("Open tasks"), _("Concluded in 30 days")],
         "rows": [[r["officer"], r["open"], r["concluded"]] for r in data["workload"]]},
        {"key": "lab", "title": _("Laboratory turnaround"),
         "columns": [_("Results recorded"), _("Mean turnaround (hours)")],
         "rows": [[data["lab"]["resulted"], data["lab"]["mean_hours"]]]},
        {"key": "recalls", "title": _("Open recalls"),
         "columns": [_("Declaration"), _("Enterprise"), _("Opened"), _("Buyers"), _("Acknowledged")],
         "rows": [[r.release.declaration.number, r.release.enterprise.display_name,
                   timezone.localtime(r.opened_at).strftime("%Y-%m-%d"), r.buyers, r.acknowledged]
                  for r in data["recalls"]]},
    ]
    return tables


def dashboard_charts(data) -> dict:
    modes = [_mode_label(r["mode"]) for r in data["by_mode"]]
    return {
        "releases": charts.bar_chart([(m, [r["released"]]) for m, r in zip(modes, data["by_mode"], strict=True)],
                                     series=[_("Released")], title=_("Releases by mode")),
        "clearance": charts.bar_chart(
            [(m, [r["median_hours"], r["p90_hours"]]) for m, r in zip(modes, data["by_mode"], strict=True)],
            series=[_("Median"), _("90th percentile")], title=_("Clearance time per mode (hours)"), fmt="{:,.1f} h"),
        "ratios": charts.bar_chart(
            [(r["grade"], [_percent(r["achieved"])]) for r in data["by_grade"]], series=[_("Achieved %")],
            targets=[_percent(r["target"]) for r in data["by_grade"]], target_label=_("Target %"),
            title=_("Inspection ratio per grade against the policy target (%)"), fmt="{:,.2f} %"),
        "hit_rate": charts.bar_chart(
            [(_("Risk-targeted") if r["kind"] == "targeted" else _("Random control sample"), [_percent(r["rate"])])
             for r in data["hit_rate"]], series=[_("Hit rate %")],
            title=_("Hit rate: risk-targeted against random inspections"), fmt="{:,.1f} %"),
        "queue": charts.bar_chart(
            [((f"{b['low']}–{b['high']} h" if b["high"] else f"≥ {b['low']} h"), [b["count"]])
             for b in data["queue"]["bands"]], series=[_("Tasks")], title=_("Queue age (open inspection tasks now)")),
        "workload": charts.bar_chart([(r["officer"], [r["open"]]) for r in data["workload"][:12]],
                                     series=[_("Open tasks")], title=_("Inspector workload")),
    }


@login_required
def dashboard(request):
    require_role(request.user, *SUPERVISORS)
    form, period = _period(request)
    data = selectors.dashboard(period)
    tables = dashboard_tables(data)
    chart_svgs = dashboard_charts(data)
    for table in tables:
        table["chart"] = chart_svgs.get(table["key"])
    return render(request, "release/dashboard.html", {
        "form": form, "data": data, "tables": tables, "period": period, "ports": selectors.ports(),
        "query": request.GET.urlencode()})


@login_required
def dashboard_export(request, fmt):
    require_role(request.user, *SUPERVISORS)
    _form, period = _period(request)
    tables = dashboard_tables(selectors.dashboard(period))
    stamp = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("Period"), str(period.first), str(period.last), _("Port"), period.port or _("All"),
                         _("Credit grade"), period.grade or _("All")])
        for table in tables:
            writer.writerow([])
            writer.writerow([table["title"]])
            writer.writerow(table["columns"])
            writer.writerows(table["rows"])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="release-dashboard-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        workbook.remove(workbook.active)
        for table in tables:
            sheet = workbook.create_sheet(title=table["key"][:31])
            sheet.append([table["title"]])
            sheet["A1"].font = Font(bold=True)
            sheet.append([f"{period.first} – {period.last}", period.port or _("All ports"),
                          period.grade or _("All grades")])
            sheet.append(table["columns"])
            for cell in sheet[3]:
                cell.font = Font(bold=True)
            for row in table["rows"]:
                sheet.append(row)
            for column in sheet.columns:
                sheet.column_dimensions[column[0].column_letter].width = 22
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="release-dashboard-{stamp}.xlsx"'
        return response
    raise Http404


# --- Policy tables ---------------------------------------------------------------------------------------------------


@login_required
def matrix_edit(request):
    require_role(request.user, *SUPERVISORS, Role.OFFICER, Role.RISK_ANALYST)
    version, cells = selectors.release_matrix_current()
    can_edit = has_role(request.user, *SUPERVISORS)
    form = forms.MatrixForm(cells=cells)
    status = 200
    if request.method == "POST":
        require_role(request.user, *SUPERVISORS)
        form = forms.MatrixForm(request.POST, cells=cells)
        if form.is_valid():
            try:
                new = services.release_matrix_update(cells=form.cells(), note=form.cleaned_data["note"],
                                                     actor=request.user)
                messages.success(request, _("Matrix version %(v)s is now in force.") % {"v": new.version})
                return redirect("release:matrix")
            except ValidationError as exc:
                service_errors_to_form(form, exc)
        status = 400
    return render(request, "release/matrix.html", {
        "form": form, "version": version, "cells": cells, "can_edit": can_edit, "grades": matrix.GRADES,
        "tiers": [(t, RiskTier(t).label) for t in matrix.TIERS],
        "versions": selectors.release_matrix_versions()[:20]}, status=status)


@login_required
def negative_list(request):
    require_role(request.user, *BUREAU_DESK, Role.RISK_ANALYST)
    can_edit = has_role(request.user, *SUPERVISORS)
    form = forms.NegativeListForm()
    status = 200
    if request.method == "POST":
        require_role(request.user, *SUPERVISORS)
        form = forms.NegativeListForm(request.POST)
        if form.is_valid():
            try:
                services.negative_list_add(actor=request.user, **form.cleaned_data)
                messages.success(request, _("Added to the negative list."))
                return redirect("release:negative_list")
            except ValidationError as exc:
                service_errors_to_form(form, exc)
        status = 400
    return render(request, "release/negative_list.html", {
        "form": form, "entries": selectors.negative_list(), "can_edit": can_edit,
        "retired": selectors.negative_list(active_only=False).filter(active=False)[:20]}, status=status)


@login_required
@require_POST
def negative_list_retire(request, pk):
    require_role(request.user, *SUPERVISORS)
    entry = NegativeListEntry.objects.filter(pk=pk).first()
    if entry is None:
        raise Http404
    services.negative_list_retire(entry=entry, actor=request.user)
    messages.success(request, _("Removed from the negative list."))
    return redirect("release:negative_list")


# --- Releases and their after-life ---------------------------------------------------------------------------------


@login_required
def release_list(request):
    require_role(request.user, *RELEASE_PAGE_ROLES)
    from django.core.paginator import Paginator

    releases = selectors.release_list(user=request.user, filters=request.GET)
    page = Paginator(releases, 25).get_page(request.GET.get("page"))
    from .filtersets import ReleaseFilterSet

    return render(request, "release/release_list.html", {
        "page": page, "filter": ReleaseFilterSet(request.GET or None)})


def _release_context(request, release, **forms_):
    bureau = is_bureau_user(request.user)
    recall = release.recalls.order_by("-opened_at").first()
    return {
        "release": release, "declaration": release.declaration, "certificate": getattr(release, "certificate", None),
        "bureau": bureau, "can_desk": has_role(request.user, *BUREAU_DESK),
        "is_importer": has_role(request.user, Role.DECLARANT),
        "distributions": list(release.distributions.all()),
        "recall": recall,
        "notices": list(recall.notices.select_related("distribution")) if recall else [],
        "post_checks": list(release.post_checks.all()) if bureau else [],
        "trace_url": request.build_absolute_uri(reverse("release:trace", args=[release.trace_code])),
        "qr": certificates.qr_svg(request.build_absolute_uri(reverse("release:trace", args=[release.trace_code]))),
        "decision": release.decision,
        "distribution_form": forms_.get("distribution_form") or forms.DistributionForm(
            initial={"distributed_on": timezone.localdate()}),
        "recall_form": forms_.get("recall_form") or forms.RecallForm(),
        "close_form": forms_.get("close_form") or forms.RecallCloseForm(),
        "ack_form": forms.AcknowledgeForm(),
        "check_form": forms_.get("check_form") or forms.PostCheckScheduleForm(
            initial={"scheduled_for": timezone.localdate() + timedelta(days=14)}),
        "record_form": forms.PostCheckRecordForm(),
    }


@login_required
def release_detail(request, pk):
    require_role(request.user, *RELEASE_PAGE_ROLES)
    release = selectors.release_get(user=request.user, pk=pk)
    return render(request, "release/release_detail.html", _release_context(request, release))


def _release_post(request, pk, form_class, form_key, call, success):
    require_role(request.user, *RELEASE_PAGE_ROLES)
    release = selectors.release_get(user=request.user, pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(release, form.cleaned_data)
            messages.success(request, success)
            return redirect("release:detail", pk=release.pk)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
    return render(request, "release/release_detail.html", _release_context(request, release, **{form_key: form}),
                  status=400)


@login_required
@require_POST
def distribution_add(request, pk):
    require_role(request.user, Role.DECLARANT, *BUREAU_DESK)
    return _release_post(request, pk, forms.DistributionForm, "distribution_form",
                         lambda release, data: services.distribution_record_add(release=release, actor=request.user,
                                                                                **data),
                         _("Distribution recorded."))


@login_required
@require_POST
def recall_open(request, pk):
    require_role(request.user, *BUREAU_DESK)
    return _release_post(request, pk, forms.RecallForm, "recall_form",
                         lambda release, data: services.recall_open(release=release, source="manual",
                                                                    reason=data["reason"], actor=request.user),
                         _("Recall opened; the buyers have been notified."))


@login_required
@require_POST
def recall_close(request, pk):
    require_role(request.user, *BUREAU_DESK)

    def call(release, data):
        recall = release.recalls.filter(status=RecallStatus.OPEN).first()
        if recall is None:
            raise ValidationError({"note": [_("There is no open recall.")]})
        services.recall_close(recall=recall, note=data["note"], actor=request.user)

    return _release_post(request, pk, forms.RecallCloseForm, "close_form", call, _("Recall closed."))


@login_required
@require_POST
def notice_acknowledge(request, pk, notice_pk):
    """The importer records a buyer's acknowledgement (e.g. received by phone)."""
    require_role(request.user, Role.DECLARANT, *BUREAU_DESK)
    release = selectors.release_get(user=request.user, pk=pk)
    notice = next((n for r in release.recalls.all() for n in r.notices.all() if n.pk == int(notice_pk)), None)
    if notice is None:
        raise Http404
    form = forms.AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.recall_notice_acknowledge(notice=notice, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Acknowledgement recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Say who acknowledges the recall."))
    return redirect("release:detail", pk=release.pk)


@login_required
@require_POST
def post_check_schedule(request, pk):
    require_role(request.user, *BUREAU_DESK)
    return _release_post(request, pk, forms.PostCheckScheduleForm, "check_form",
                         lambda release, data: services.post_check_schedule(release=release, actor=request.user,
                                                                            **data),
                         _("Post-release check scheduled."))


@login_required
@require_POST
def post_check_record(request, pk, check_pk):
    require_role(request.user, *BUREAU_DESK)
    check = PostReleaseCheck.objects.filter(pk=check_pk, release_id=pk).first()
    if check is None:
        raise Http404
    form = forms.PostCheckRecordForm(request.POST)
    if form.is_valid():
        try:
            services.post_check_record(check=check, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Post-release check recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("release:detail", pk=pk)


@login_required
def post_check_list(request):
    require_role(request.user, *BUREAU_DESK)
    return render(request, "release/post_checks.html", {
        "checks": selectors.post_check_list(status=request.GET.get("status", "scheduled"))[:200],
        "status": request.GET.get("status", "scheduled")})


@login_required
def recall_list(request):
    require_role(request.user, *BUREAU_DESK, Role.DECLARANT)
    status = request.GET.get("status", "")
    return render(request, "release/recalls.html", {
        "recalls": selectors.recall_list(user=request.user, status=status)[:200], "status": status})


@login_required
def certificate_pdf(request, number):
    certificate = selectors.certificate_get(user=request.user, number=number)
    verify_url = request.build_absolute_uri(reverse("release:verify", args=[certificate.number])) + \
        f"?c={certificates.check_code(certificate.signature)}"
    pdf = certificates.render_pdf(number=certificate.number, facts=certificate.facts,
                                  signature=certificate.signature, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response


# --- The release desk: a declaration's decision, and the officers' steps that cross apps -----------------------------


def _decision_context(request, decision, **forms_):
    from inspection.forms import ConclusionForm

    bureau = is_bureau_user(request.user)
    declaration = decision.declaration
    task = decision.task
    reports = list(declaration.test_reports.select_related("lab").order_by("-created_at"))
    return {
        "decision": decision, "declaration": declaration, "bureau": bureau, "task": task,
        "release": getattr(declaration, "release", None),
        "reports": reports, "can_desk": has_role(request.user, *BUREAU_DESK),
        "forced_by": decision.forced_by if bureau else [],
        "report_form": forms_.get("report_form") or forms.ReportForm(
            initial={"hs_codes": ", ".join(sorted(set(declaration.lines.values_list("hs_code", flat=True))))}),
        "results_formset": forms_.get("results_formset") or forms.report_results_formset(),
        "verify_form": forms_.get("verify_form") or forms.VerifyForm(),
        "conclusion_form": forms_.get("conclusion_form") or ConclusionForm(),
        "can_verify": has_role(request.user, Role.OFFICER, Role.SUPERVISOR) and services.awaits_verification(decision),
        "can_sample_release": bool(task and decision.mode == "sample" and task.samples.exists()
                                   and not hasattr(declaration, "release")),
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
    require_role(request.user, Role.DECLARANT)
    decision = _decision(request, pk)
    form, results = forms.ReportForm(request.POST), forms.report_results_formset(request.POST)
    if form.is_valid() and results.is_valid():
        try:
            from django.db import transaction

            from inspection.services import test_report_submit

            with transaction.atomic():
                report = test_report_submit(declaration=decision.declaration, actor=request.user,
                                            **form.report_kwargs(results.results()))
                services.verify_report_supplied(declaration=decision.declaration, report=report, actor=request.user)
            if report.check_ok:
                messages.success(request, _("Report supplied: an officer will verify it."))
            else:
                messages.warning(request, _("Report supplied, but it fails the automatic checks listed below: an "
                                            "officer will decide. You may supply another report."))
            return redirect("release:decision", pk=pk)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
    return render(request, "release/decision.html",
                  _decision_context(request, decision, report_form=form, results_formset=results), status=400)


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
            service_errors_to_form(form, exc)
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
    from inspection.forms import ConclusionForm

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
            service_errors_to_form(form, exc)
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


# --- Public pages --------------------------------------------------------------------------------------------------


def trace(request, trace_code):
    context = selectors.trace_view(trace_code)
    context["verify_url"] = (reverse("release:verify", args=[context["certificate"].number])
                             if context["certificate"] else None)
    response = render(request, "release/trace.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def trace_qr(request, trace_code):
    selectors.trace_view(trace_code)  # 404 for an unknown code
    url = request.build_absolute_uri(reverse("release:trace", args=[trace_code]))
    return HttpResponse(certificates.qr_svg(url, scale=6), content_type="image/svg+xml")


def verify(request, number):
    check = request.GET.get("c")
    result = selectors.certificate_verify(number, check)
    response = render(request, "release/verify.html", {"result": result, "number": number, "check": check},
                      status=200 if result.genuine else 404)
    response["X-Robots-Tag"] = "noindex"
    return response


def verify_lookup(request):
    number = request.GET.get("number", "").strip()
    if number:
        url = reverse("release:verify", args=[number])
        check = request.GET.get("c", "").strip()
        return redirect(f"{url}?c={check}" if check else url)
    return render(request, "release/verify_lookup.html")


@cache_page(300)
def public_statistics(request):
    stats = selectors.public_statistics()
    modes = [_mode_label(m) for m in matrix.MODES]
    chart = charts.bar_chart([(m, [r["released"]]) for m, r in zip(modes, stats["by_mode"], strict=True)],
                             series=[_("Released")], title=_("Releases by mode"))
    time_chart = charts.bar_chart([(m, [r["mean_hours"]]) for m, r in zip(modes, stats["by_mode"], strict=True)],
                                  series=[_("Average clearance time (hours)")], fmt="{:,.1f} h",
                                  title=_("Average clearance time from submission to release"))
    return render(request, "release/public_statistics.html", {"stats": stats, "chart": chart,
                                                              "time_chart": time_chart, "modes": modes,
                                                              "rows": zip(modes, stats["by_mode"], strict=True)})


def recall_acknowledge(request, token):
    notice = selectors.recall_notice_by_token(token)
    form = forms.AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recall_notice_acknowledge(notice=notice, **form.cleaned_data)
            return redirect("release:recall_ack", token=token)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
    return render(request, "release/recall_ack.html", {"notice": notice, "form": form,
                                                       "release": notice.recall.release})
