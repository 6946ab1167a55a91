"""Released consignments and their after-life: distribution records, recalls and their notices, post-release
checks, certificates."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import Role, has_role, is_bureau_user, require_role

from .. import certificates, forms, selectors, services, transitions
from ..choices import RecallStatus
from ..extensions import open_recall, recall_progress
from ..filtersets import ReleaseFilterSet
from ..models import PostReleaseCheck
from .access import BUREAU_DESK, RELEASE_PAGE_ROLES


@login_required
def release_list(request):
    require_role(request.user, *RELEASE_PAGE_ROLES)
    releases = selectors.release_list(user=request.user, filters=request.GET)
    page = Paginator(releases, 25).get_page(request.GET.get("page"))

    return render(request, "release/release_list.html", {
        "page": page, "filter": ReleaseFilterSet(request.GET or None)})


def _release_context(request, release, **forms_):
    bureau = is_bureau_user(request.user)
    recall = release.recalls.order_by("-opened_at").first()
    post_checks = list(release.post_checks.all()) if bureau else []
    under_way = open_recall(release)
    return {
        "release": release, "declaration": release.declaration, "certificate": getattr(release, "certificate", None),
        "bureau": bureau, "can_desk": has_role(request.user, *BUREAU_DESK),
        "is_importer": has_role(request.user, Role.DECLARANT),
        "distributions": list(release.distributions.all()),
        "recall": recall,
        "release_actions": transitions.actions(transitions.RELEASE_MOVES, release.status),
        "recall_actions": transitions.actions(transitions.RECALL_MOVES, recall.status) if recall else [],
        **({"open_recall": under_way, **recall_progress(under_way)} if under_way else {}),
        "notices": list(recall.notices.select_related("distribution")) if recall else [],
        "post_checks": post_checks,
        "recordable_checks": {check.pk for check in post_checks
                              if transitions.allows(transitions.POST_CHECK_MOVES, "record", check.status)},
        "trace_url": request.build_absolute_uri(reverse("release:trace", args=[release.trace_code])),
        "qr": certificates.qr_svg(request.build_absolute_uri(reverse("release:trace", args=[release.trace_code]))),
        "decision": release.decision,
        "distribution_form": forms_.get("distribution_form") or forms.DistributionForm(
            initial={"distributed_on": timezone.localdate()}),
        "recall_form": forms_.get("recall_form") or forms.RecallForm(),
        "can_revoke": has_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR),
        "revoke_form": forms_.get("revoke_form") or forms.CertificateRevokeForm(),
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
            errors_to_forms(exc, form)
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
def certificate_revoke(request, pk):
    require_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)

    def revoke(release, data):
        certificate = getattr(release, "certificate", None)
        if certificate is None:
            raise ValidationError({"reason": [_("This release has no certificate.")]})
        services.certificate_revoke(certificate=certificate, reason=data["reason"], actor=request.user)

    return _release_post(request, pk, forms.CertificateRevokeForm, "revoke_form", revoke,
                         _("Certificate revoked: its verification page says so."))


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
        f"?s={certificate.signature}"
    pdf = certificates.render_pdf(number=certificate.number, facts=certificate.facts, key_id=certificate.key_id,
                                  signature=certificate.signature, verify_url=verify_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{certificate.number}.pdf"'
    return response
