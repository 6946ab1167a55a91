"""Supervisors' release dashboard and its exports (CSV, XLSX)."""

import csv
import io
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ciq_portal.i18n import choice_label
from ciq_portal.roles import require_role
from declarations.choices import ReleaseMode
from declarations.ports import port_label

from .. import charts, forms, selectors, stages
from .access import SUPERVISORS


def _period(request) -> tuple[forms.DashboardFilterForm, selectors.Period]:
    today = timezone.localdate()
    period = selectors.Period(first=today - timedelta(days=29), last=today)
    form = forms.DashboardFilterForm(request.GET or None,
                                     initial={"first": period.first, "last": period.last, "basis": period.basis})
    if form.is_valid():
        data = form.cleaned_data
        period = selectors.Period(first=data.get("first") or period.first, last=data.get("last") or period.last,
                                  port=(data.get("port") or "").strip().upper(), grade=data.get("grade") or "",
                                  basis=data.get("basis") or "submission",
                                  site=(data.get("site") or "").strip().upper())
    return form, period


def _percent(value):
    return None if value is None else round(100 * value, 2)


def dashboard_tables(data) -> list[dict]:
    """The dashboard as tables (the same figures as the charts; also the CSV/XLSX export)."""
    tables = [
        {"key": "releases", "title": _("Releases by mode"),
         "columns": [_("Release mode"), _("Released"), _("Decided")],
         "rows": [[choice_label(ReleaseMode, r["mode"]), r["released"], r["decided"]] for r in data["by_mode"]]},
        {"key": "clearance", "title": _("Clearance time per mode (hours)"),
         "columns": [_("Release mode"), _("Median"), _("90th percentile"), _("Mean"), _("Consignments timed")],
         "rows": [[choice_label(ReleaseMode, r["mode"]), r["median_hours"], r["p90_hours"], r["mean_hours"], r["timed"]]
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


def stage_tables(figures) -> list[dict]:
    """The Time Release Study as tables: each stage's median, 90th percentile and share of the time at the port,
    the same per mode, and the monthly trend of the medians (hours; "—" where no consignment had the stage timed)."""
    tables = [{"key": "stages", "title": _("Time Release Study: time per stage (hours)"),
               "columns": [_("Stage"), _("Median"), _("90th percentile"), _("Mean"), _("Share of the time %"),
                           _("Consignments timed")],
               "rows": [[r["label"], r["median_hours"], r["p90_hours"], r["mean_hours"], _percent(r["share"]),
                         r["timed"]] for r in figures["stages"]]}]
    labels = [str(stages.STAGE_LABELS[name]) for name in stages.STAGE_NAMES]
    tables.append({"key": "stages_by_mode", "title": _("Time per stage and release mode: median / 90th percentile"),
                   "columns": [_("Release mode"), *labels],
                   "rows": [[choice_label(ReleaseMode, m["mode"]),
                             *[(f"{s['median_hours']} / {s['p90_hours']}" if s["timed"] else None)
                               for s in m["stages"]]] for m in figures["by_mode"]]})
    tables.append({"key": "stages_trend", "title": _("Median time per stage by month (hours)"),
                   "columns": [_("Month"), *labels],
                   "rows": [[f"{t['month']:%Y-%m}", *t["median_hours"]] for t in figures["trend"]]})
    return tables


def overdue_site_table(rows) -> dict:
    return {"key": "overdue_by_site", "title": _("Overdue inspections by site (now)"),
            "columns": [_("Inspection site"), _("Overdue"), _("Escalated to the supervisor")],
            "rows": [[f"{r['site']} {r['name']}".strip() or _("No site yet"), r["overdue"], r["escalated"]]
                     for r in rows]}


def stage_share_chart(figures):
    return charts.bar_chart([(r["label"], [_percent(r["share"])]) for r in figures["stages"]],
                            series=[_("Share of the time %")], title=_("Share of the time at the port per stage"),
                            fmt="{:,.1f} %")


def _trend(days) -> str:
    return " · ".join("—" if day["achieved"] is None else f"{100 * day['achieved']:.1f}" for day in days)


def _within(value) -> str:
    return "—" if value is None else (_("yes") if value else _("no"))


def budget_tables(watch) -> list[dict]:
    """The inspection budget per grade and per site (the same figures as GET /api/v1/release-dashboard/)."""
    return [
        {"key": "budget", "title": _("Inspection budget per grade: budget, achieved and what selected") + (
            f" ({watch['period'].first} – {watch['period'].last})"),
         "columns": [_("Credit grade"), _("Decided"), _("Inspected"), _("Achieved %"), _("Budget %"),
                     _("Within ±20 %"), _("Random sample %"), _("Random ratio %"), _("Forced"), _("Risk-targeted"),
                     _("Random only"), _("Moved by capacity"), _("Harm cut-off"), _("Expected %"),
                     _("Achieved in the last 7 days (%)")],
         "rows": [[r["grade"], r["decided"], r["inspected"], _percent(r["achieved"]), _percent(r["budget"]),
                   _within(r["within"]), _percent(r["random_ratio"]), _percent(r["random_target"]), r["forced"],
                   r["targeted"], r["random"], r["capacity_moved"],
                   None if r["cutoff"] is None else round(r["cutoff"], 4), _percent(r["expected_rate"]),
                   _trend(r["trend"])] for r in watch["by_grade"]]},
        {"key": "sites", "title": _("Inspections per site against capacity"),
         "columns": [_("Site"), _("Inspections"), _("Capacity in the period"), _("Used %"), _("Forced"),
                     _("Risk-targeted"), _("Random only")],
         "rows": [[f"{r['site']} {r['name']}", r["inspections"], r["capacity"], _percent(r["utilisation"]),
                   r["forced"], r["targeted"], r["random"]] for r in watch["by_site"]]},
    ]


def dashboard_charts(data) -> dict:
    modes = [choice_label(ReleaseMode, r["mode"]) for r in data["by_mode"]]
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
    tables = dashboard_tables(data) + budget_tables(selectors.budget_watch(period))
    chart_svgs = dashboard_charts(data)
    for table in tables:
        table["chart"] = chart_svgs.get(table["key"])
    stage_figures = selectors.stage_figures(period)
    return render(request, "release/dashboard.html", {
        "form": form, "data": data, "tables": tables, "period": period, "ports": selectors.ports(),
        "query": request.GET.urlencode(), "stage_tables": stage_tables(stage_figures),
        "overdue_table": overdue_site_table(selectors.overdue_by_site(port=period.port)),
        "stage_chart": stage_share_chart(stage_figures)})


@login_required
def dashboard_export(request, fmt):
    require_role(request.user, *SUPERVISORS)
    _form, period = _period(request)
    stage_figures = selectors.stage_figures(period)
    tables = (dashboard_tables(selectors.dashboard(period)) + budget_tables(selectors.budget_watch(period))
              + stage_tables(stage_figures) + [overdue_site_table(selectors.overdue_by_site(port=period.port))])
    stamp = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if fmt == "json":
        return JsonResponse({
            "period": {"first": period.first, "last": period.last, "port": period.port or None,
                       "port_name": port_label(period.port) or None,
                       "grade": period.grade or None, "site": period.site or None, "basis": period.basis},
            "tables": {t["key"]: {"title": t["title"], "columns": t["columns"], "rows": t["rows"]} for t in tables},
            "stages": stage_figures}, encoder=DjangoJSONEncoder)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("Period"), str(period.first), str(period.last), _("Port"),
                         port_label(period.port) or _("All"), _("Credit grade"), period.grade or _("All")])
        for table in tables:
            writer.writerow([])
            writer.writerow([table["title"]])
            writer.writerow(table["columns"])
            writer.writerows(table["rows"])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="release-dashboard-{stamp}.csv"'
        return response
    if fmt == "xlsx":
        workbook = Workbook()
        workbook.remove(workbook.active)
        for table in tables:
            sheet = workbook.create_sheet(title=table["key"][:31])
            sheet.append([table["title"]])
            sheet["A1"].font = Font(bold=True)
            sheet.append([f"{period.first} – {period.last}", port_label(period.port) or _("All ports"),
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
