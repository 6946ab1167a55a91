"""The public draw record and the outcomes of random inspections (一公开)."""

import csv
from datetime import date
from pathlib import Path

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ciq_portal.i18n import choice_label
from declarations.choices import ReleaseMode

from .. import draws, selectors
from ..choices import Conclusion, Disposition


def public_draws(request):
    periods = list(selectors.public_periods()[:60])
    return render(request, "inspection/public_draws.html", {"periods": periods})


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Http404 from exc


def public_draw_day(request, day):
    period = selectors.public_period_get(_day(day))
    record = selectors.public_record(period)
    objects = [draw for draw in record["draws"] if draw["kind"] == "object"]
    return render(request, "inspection/public_draw_day.html", {
        "period": period, "draws": record["draws"][:500], "total": len(record["draws"]),
        "considered": len(objects), "selected": sum(1 for draw in objects if draw["result"].get("selected")),
        "inspectors_drawn": len(record["draws"]) - len(objects)})


def public_draw_json(request, day):
    period = selectors.public_period_get(_day(day))
    response = JsonResponse(selectors.public_record(period), json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="draws-{period.day}.json"'
    return response


class _Echo:
    def write(self, value):
        return value


def _goods_text(subject: dict) -> str:
    return "; ".join(f"{g['hs_heading']} {g['description']}" for g in subject.get("goods", []))


def public_draw_csv(request, day):
    period = selectors.public_period_get(_day(day))
    if not period.revealed:
        raise Http404
    record = selectors.public_record(period)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["day", "seed", "kind", "subject", "drawn_at", "enterprise", "goods", "ratio",
                               "candidates", "selected", "chosen"])
        for row in record["draws"]:
            inputs, result, subject = row["inputs"], row["result"], row["declaration"]
            yield writer.writerow([
                period.day, period.seed, row["kind"], row["subject"], row["drawn_at"],
                _("confidential") if subject.get("confidential") else subject["enterprise"], _goods_text(subject),
                inputs.get("ratio", ""),
                ";".join(f"{c['id']}:{c['weight']}" for c in draws.ungroup(inputs.get("weights", {}))),
                result.get("selected", ""), result.get("chosen", "")])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="draws-{period.day}.csv"'
    return response


def public_draw_script(request):
    """The public verifier (inspection/draws.py itself: the code the bureau draws with; standard library only)."""
    response = HttpResponse(Path(draws.__file__).read_text(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="verify.py"'
    return response


# --- Outcomes of random inspections (一公开) ----------------------------------------------------------------------


def _results_rule() -> str:
    return _("Published: every random inspection (drawn at random for the control sample, 双随机) once concluded, with "
             "the draw that selected it. Not published: inspections targeted by risk, and inspections the bureau "
             "marks confidential (for example a case under investigation).")


def public_results(request):
    page = Paginator(selectors.public_results(), 50).get_page(request.GET.get("page"))
    rows = selectors.public_result_rows(page)
    for row in rows:
        row["release_mode_label"] = choice_label(ReleaseMode, row["release_mode"])
        row["outcome_label"] = choice_label(Conclusion, row["outcome"])
        row["disposition_label"] = choice_label(Disposition, row["disposition"]) if row["disposition"] else ""
    return render(request, "inspection/public_results.html", {"page": page, "rows": rows, "rule": _results_rule()})


def public_results_json(request):
    response = JsonResponse({"rule": _results_rule(),
                             "results": selectors.public_result_rows(selectors.public_results())},
                            json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = 'inline; filename="random-inspection-results.json"'
    return response


def public_results_csv(request):
    writer = csv.writer(_Echo())
    rows = selectors.public_result_rows(selectors.public_results())

    def lines():
        yield writer.writerow(["date", "enterprise", "enterprise_en", "hs_headings", "goods", "release_mode", "outcome",
                               "disposition", "draw_day", "draw"])
        for row in rows:
            yield writer.writerow([row["date"], row["enterprise"], row["enterprise_en"],
                                   " ".join(g["hs_heading"] for g in row["goods"]),
                                   "; ".join(g["description"] for g in row["goods"]), row["release_mode"],
                                   row["outcome"], row["disposition"] or "", row["draw"]["day"],
                                   request.build_absolute_uri(row["draw"]["url"])])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="random-inspection-results.csv"'
    return response
