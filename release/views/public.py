"""The public pages, which show nothing private: trace codes and their QR, certificate checks, statistics, the
acknowledgement of a recall notice by a buyer."""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page

from ciq_portal.forms import errors_to_forms
from ciq_portal.i18n import choice_label
from declarations.choices import ReleaseMode

from .. import certificates, charts, forms, matrix, selectors, services


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
    signature = request.GET.get("s")
    result = selectors.certificate_verify(number, signature)
    response = render(request, "release/verify.html", {
        "result": result, "number": number, "signature": signature,
        "record_url": reverse("release:verify_json", args=[number]) if result.certificate else None},
        status=200 if result.genuine else 404)
    response["X-Robots-Tag"] = "noindex"
    return response


def verify_json(request, number):
    """The certificate's signed content and signature, to check against the bureau's public keys oneself."""
    result = selectors.certificate_verify(number, request.GET.get("s"))
    if result.certificate is None:
        raise Http404
    response = JsonResponse(selectors.certificate_record(result.certificate, result),
                            json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="{result.certificate.number}.json"'
    response["X-Robots-Tag"] = "noindex"
    return response


def verify_lookup(request):
    number = request.GET.get("number", "").strip()
    if number:
        url = reverse("release:verify", args=[number])
        signature = request.GET.get("s", "").strip()
        return redirect(f"{url}?{urlencode({'s': signature})}" if signature else url)
    return render(request, "release/verify_lookup.html")


@cache_page(300)
def public_statistics(request):
    stats = selectors.public_statistics()
    modes = [choice_label(ReleaseMode, m) for m in matrix.MODES]
    chart = charts.bar_chart([(m, [r["released"]]) for m, r in zip(modes, stats["by_mode"], strict=True)],
                             series=[_("Released")], title=_("Releases by mode"))
    time_chart = charts.bar_chart([(m, [r["mean_hours"]]) for m, r in zip(modes, stats["by_mode"], strict=True)],
                                  series=[_("Average clearance time (hours)")], fmt="{:,.1f} h",
                                  title=_("Average clearance time from submission to release"))
    return render(request, "release/public_statistics.html", {"stats": stats, "chart": chart,
                                                              "time_chart": time_chart, "modes": modes,
                                                              "rows": zip(modes, stats["by_mode"], strict=True),
                                                              "stage_stats": selectors.public_stage_statistics()})


def recall_acknowledge(request, token):
    notice = selectors.recall_notice_by_token(token)
    form = forms.AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recall_notice_acknowledge(notice=notice, **form.cleaned_data)
            return redirect("release:recall_ack", token=token)
        except ValidationError as exc:
            errors_to_forms(exc, form)
    return render(request, "release/recall_ack.html", {"notice": notice, "form": form,
                                                       "release": notice.recall.release})
