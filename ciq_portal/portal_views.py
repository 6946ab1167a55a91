"""Browser pages of the single window: agency API guide, notifications, subscriptions, webhook deliveries, mail and
SMS deliveries, agencies."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .accounts import INVITED_STAFF_ROLES, portal_site_url, staff_invite, staff_list
from .agencies import (
    agency_api_key_issue,
    agency_api_key_revoke,
    agency_api_key_rotate,
    agency_client_create,
    principal_scopes,
    user_agency_client,
)
from .filtersets import MessageDeliveryFilterSet
from .forms import errors_to_forms
from .messaging import MESSAGE_ROLES, message_delivery_list, message_delivery_retry
from .models import Agency, AgencyApiKey, AgencyClient, AgencyScope, DeliveryStatus, EventType
from .notifications import (
    DECLARANT_EVENT_TYPES,
    EVENT_SCOPES,
    delivery_list,
    delivery_may_manage,
    notification_list,
    notification_mark_read,
    subscription_create,
    subscription_kind_for,
    subscription_list,
    subscription_update,
    webhook_delivery_replay,
)
from .roles import Role, has_role, require_role
from .webhooks import max_attempts

# --- agency guide ----------------------------------------------------------------------------------------------

# One worked example per scope, shown in the guide (the README has the same ones).
SCOPE_EXAMPLES = [
    (AgencyScope.RELEASE_STATUS_READ, "GET /api/v1/releases/",
     'curl -s "$CIQ/api/v1/releases/?number=NGB20261127000042" -H "Authorization: Api-Key $KEY"'),
    (AgencyScope.LOGISTICS_PUSH, "POST /api/v1/logistics-events/",
     'curl -s -X POST "$CIQ/api/v1/logistics-events/" -H "Authorization: Api-Key $KEY" '
     '-H "Content-Type: application/json" -d \'{"external_id": "NBPORT-000123", "kind": "vessel_berthed", '
     '"container_no": "MSCU1234566", "occurred_at": "2026-11-27T08:30:00+08:00"}\''),
    (AgencyScope.JOINT_INSPECTION, "POST /api/v1/joint-inspections/",
     'curl -s -X POST "$CIQ/api/v1/joint-inspections/" -H "Authorization: Api-Key $KEY" '
     '-H "Content-Type: application/json" -H "Idempotency-Key: $(uuidgen)" '
     '-d \'{"kind": "container", "agency": "customs", "container_no": "MSCU1234566", "note": "X-ray anomaly"}\''),
    (AgencyScope.CASE_REFERRAL, "POST /api/v1/case-referrals/",
     'curl -s -X POST "$CIQ/api/v1/case-referrals/" -H "Authorization: Api-Key $KEY" '
     '-H "Content-Type: application/json" -H "Idempotency-Key: $(uuidgen)" '
     '-d \'{"kind": "counterfeit", "summary": "Suspected fake brand labels", '
     '"declaration_number": "NGB20261127000042", "evidence": [{"description": "Photos", "reference": "HG-F-77"}]}\''),
    (AgencyScope.CREDIT_EXCHANGE, "POST /api/v1/credit-events/",
     'curl -s -X POST "$CIQ/api/v1/credit-events/" -H "Authorization: Api-Key $KEY" '
     '-H "Content-Type: application/json" -d \'{"enterprise_uscc": "91330200MA0000001X", '
     '"kind": "agency_information", "external_reference": "HG-2026-0042", "note": "Administrative penalty"}\''),
    (AgencyScope.BULLETINS_READ, "GET /api/v1/risk-bulletins/",
     'curl -s "$CIQ/api/v1/risk-bulletins/?status=published" -H "Authorization: Api-Key $KEY"'),
    (AgencyScope.AUDIT_HEADS_READ, "GET /api/v1/audit-heads/",
     'curl -s "$CIQ/api/v1/audit-heads/?since=2026-11-01" -H "Authorization: Api-Key $KEY"'),
    (AgencyScope.REGISTRATIONS_READ, "GET /api/v1/registrations/",
     'curl -s "$CIQ/api/v1/registrations/?status=approved" -H "Authorization: Api-Key $KEY"'),
    (AgencyScope.LAB_WORK_READ, "GET /api/v1/lab-results/",
     'curl -s "$CIQ/api/v1/lab-results/?declaration=NGB20261127000042" -H "Authorization: Api-Key $KEY"'),
    (AgencyScope.LAB_RESULTS_POST, "POST /api/v1/lab-results/",
     'SIG=$(openssl pkeyutl -sign -inkey lab-key.pem -rawin -in body.json | basenc --base64url | tr -d "=\\n"); '
     'curl -s -X POST "$CIQ/api/v1/lab-results/" -H "Authorization: Api-Key $KEY" '
     '-H "Content-Type: application/json" -H "X-CIQ-Lab-Signature: $SIG" -H "Idempotency-Key: $(uuidgen)" '
     '--data-binary @body.json  # body.json: {"order": 42, "results": [{"test_item": "lead", "value": "0.12"}]}'),
]


@login_required
def agency_guide(request):
    client = user_agency_client(request.user)
    scopes = principal_scopes(request.user) if has_role(request.user, Role.PARTNER_AGENCY) else frozenset()
    labels = dict(AgencyScope.choices)
    examples = [{"scope": scope, "label": labels[scope], "operation": operation, "curl": curl,
                 "held": scope in scopes} for scope, operation, curl in SCOPE_EXAMPLES]
    # Event types with no agency scope (the bureau's own, e.g. escalations) are not offered to agencies.
    event_rows = [{"type": value, "label": label, "scope": EVENT_SCOPES[value],
                   "declarants": value in DECLARANT_EVENT_TYPES} for value, label in EventType.choices
                  if value in EVENT_SCOPES]
    return render(request, "portal/agency_guide.html", {
        "client": client, "scopes": sorted(scopes), "examples": examples, "event_rows": event_rows,
        "max_attempts": max_attempts(), "is_agency": has_role(request.user, Role.PARTNER_AGENCY),
        "base_url": request.build_absolute_uri("/").rstrip("/"),
    })


# --- in-app notifications --------------------------------------------------------------------------------------


@login_required
def notifications(request):
    rows = notification_list(user=request.user)
    if request.GET.get("unread") == "1":
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page_obj": page, "only_unread": request.GET.get("unread")})


@login_required
@require_POST
def notifications_mark_read(request):
    pk = request.POST.get("id")
    notification_mark_read(user=request.user, pks=[int(pk)] if pk and pk.isdigit() else None)
    target = request.POST.get("next") or reverse("portal:notifications")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("portal:notifications")
    return redirect(target)


# --- subscriptions ---------------------------------------------------------------------------------------------


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120, required=False)
    url = forms.URLField(label=gettext_lazy("URL"), max_length=500, assume_scheme="https",
                         help_text=gettext_lazy("Where events are POSTed (your system's endpoint)."))
    event_types = forms.MultipleChoiceField(label=gettext_lazy("Event types"), choices=EventType.choices,
                                            widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(label=gettext_lazy("Secret"), max_length=128, required=False,
                             help_text=gettext_lazy("Key of the HMAC-SHA256 signature; leave empty to generate one."))


def _may_subscribe(user) -> bool:
    try:
        subscription_kind_for(user)
    except PermissionDenied:
        return False
    return True


@login_required
def subscriptions(request):
    may_subscribe = _may_subscribe(request.user)
    form = SubscriptionForm(request.POST or None)
    if has_role(request.user, Role.DECLARANT) and not has_role(request.user, Role.PARTNER_AGENCY):
        form.fields["event_types"].choices = [c for c in EventType.choices if c[0] in DECLARANT_EVENT_TYPES]
    if request.method == "POST":
        if not may_subscribe:
            raise PermissionDenied
        if form.is_valid():
            try:
                _created, secret = subscription_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors_to_forms(exc, form)
            except PermissionDenied as exc:
                form.add_error("event_types", str(exc) or _("Your role may not subscribe to events."))
            else:
                messages.success(request, _("Subscribed. Signing secret (shown only now): %(secret)s")
                                 % {"secret": secret})
                return redirect("portal:subscriptions")
    rows = subscription_list(user=request.user)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "portal/subscriptions.html", {"page_obj": page, "form": form,
                                                         "may_subscribe": may_subscribe})


@login_required
@require_POST
def subscription_toggle(request, pk):
    subscription = get_object_or_404(subscription_list(user=request.user), pk=pk)
    subscription_update(subscription=subscription, actor=request.user, is_active=not subscription.is_active)
    messages.success(request, _("Subscription updated."))
    return redirect("portal:subscriptions")


# --- webhook deliveries ----------------------------------------------------------------------------------------


@login_required
def deliveries(request):
    filters = {"status": request.GET.get("status") if request.GET.get("status") in DeliveryStatus.values else None,
               "event_type": request.GET.get("event_type") if request.GET.get("event_type") in EventType.values
               else None}
    rows = delivery_list(user=request.user, filters=filters)
    page = Paginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "portal/deliveries.html", {
        "page_obj": page, "statuses": DeliveryStatus.choices, "event_types": EventType.choices, "filters": filters,
    })


@login_required
def delivery_detail(request, pk):
    delivery = get_object_or_404(delivery_list(user=request.user), pk=pk)
    return render(request, "portal/delivery_detail.html", {
        "delivery": delivery, "attempts": delivery.attempt_log.order_by("number"),
        "may_replay": delivery_may_manage(request.user, delivery),
    })


@login_required
@require_POST
def delivery_replay(request, pk):
    delivery = get_object_or_404(delivery_list(user=request.user), pk=pk)
    try:
        webhook_delivery_replay(delivery=delivery, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Delivery queued again."))
    return redirect("portal:delivery_detail", pk=pk)


# --- mail and SMS deliveries (supervisors, administrators) -------------------------------------------------------


@login_required
def message_deliveries(request):
    """Every e-mail and SMS, newest first; failed ones first to look at, each with a button to send it again."""
    require_role(request.user, *MESSAGE_ROLES)
    filterset = MessageDeliveryFilterSet(request.GET, queryset=message_delivery_list(user=request.user))
    return render(request, "portal/message_deliveries.html", {
        "filterset": filterset, "page_obj": Paginator(filterset.qs, 50).get_page(request.GET.get("page"))})


@login_required
@require_POST
def message_delivery_send_again(request, pk):
    require_role(request.user, *MESSAGE_ROLES)
    delivery = get_object_or_404(message_delivery_list(user=request.user), pk=pk)
    try:
        message_delivery_retry(delivery=delivery, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message is queued to be sent again."))
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect("portal:message_deliveries")


# --- agencies (administrators) ---------------------------------------------------------------------------------


class AgencyClientForm(forms.Form):
    agency = forms.ModelChoiceField(label=gettext_lazy("Agency"), queryset=Agency.objects.filter(is_active=True))
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    scopes = forms.MultipleChoiceField(label=gettext_lazy("Scopes"), choices=AgencyScope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    rate_limit = forms.CharField(label=gettext_lazy("Rate limit"), max_length=32, required=False,
                                 help_text=gettext_lazy("For example 120/min; empty for the default."))


class StaffInvitationForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail"), max_length=254)
    role = forms.ChoiceField(label=gettext_lazy("Role"),
                             choices=[(role.value, role.label) for role in INVITED_STAFF_ROLES])


@login_required
def staff(request):
    """Bureau administrators list the bureau's accounts and invite supervisors, risk analysts and administrators."""
    listed = staff_list(user=request.user)
    form = StaffInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = staff_invite(actor=request.user, site_url=portal_site_url(request), **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("%(name)s was invited by mail.") % {"name": user.display_name})
            return redirect("portal:staff")
    roles = dict(Role.choices)
    rows = [(person, [roles[g.name] for g in person.groups.all() if g.name in roles]) for person in listed]
    return render(request, "portal/staff.html", {"form": form, "rows": rows}, status=400 if form.errors else 200)


def _require_admin(user):
    if not has_role(user, Role.ADMINISTRATOR):
        raise Http404


@login_required
def agencies(request):
    _require_admin(request.user)
    form = AgencyClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            client = agency_client_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Client %(name)s created.") % {"name": client.name})
            return redirect("portal:agencies")
    rows = Agency.objects.prefetch_related("clients__keys", "clients__user").order_by("code")
    return render(request, "portal/agencies.html", {"agencies": rows, "form": form})


@login_required
@require_POST
def agency_key_action(request, client_pk):
    _require_admin(request.user)
    client = get_object_or_404(AgencyClient, pk=client_pk)
    operation = request.POST.get("op")
    if operation == "issue":
        key, raw = agency_api_key_issue(client=client, actor=request.user, label=request.POST.get("label", "")[:120])
        messages.success(request, _("New key (shown only now): %(key)s") % {"key": raw})
    else:
        key = get_object_or_404(AgencyApiKey, client=client, prefix=request.POST.get("prefix", ""))
        try:
            if operation == "rotate":
                _new, raw = agency_api_key_rotate(key=key, actor=request.user)
                messages.success(request, _("Key rotated; the old one works for 24 hours. New key (shown only now): "
                                            "%(key)s") % {"key": raw})
            elif operation == "revoke":
                agency_api_key_revoke(key=key, actor=request.user)
                messages.success(request, _("Key revoked."))
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("portal:agencies")

