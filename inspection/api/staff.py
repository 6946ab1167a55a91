"""The staff REST face: officers, weekly duties and their exceptions, a site's week, leave and declared conflicts.
Thin views over the staff services and selectors; the roles are checked there as on the pages."""

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ciq_portal.api.permissions import role_required
from ciq_portal.api.viewsets import ReadWriteRolesMixin, ServiceCreateMixin
from ciq_portal.idempotency import idempotent
from ciq_portal.roles import Role

from .. import selectors, services, staff_files
from ..filtersets import (
    ConflictFilterSet,
    LeaveFilterSet,
    OfficerFilterSet,
    OfficerShiftFilterSet,
    RosterPatternFilterSet,
)
from ..models import InspectionSite
from ..services.officers import STAFF_MANAGERS
from ..services.roster import ROSTER_KEEPERS
from .staff_serializers import (
    ConflictSerializer,
    DutyCancelSerializer,
    ImportResultSerializer,
    LeaveDecisionSerializer,
    LeaveSerializer,
    OfficerSerializer,
    OfficerShiftSerializer,
    OfficerWriteSerializer,
    ReasonSerializer,
    RosterCancellationSerializer,
    RosterPatternSerializer,
    RosterWeekSerializer,
    UploadSerializer,
)

BUREAU_STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
STAFF_VIEWERS = [role_required(Role.SUPERVISOR, Role.ADMINISTRATOR)]
BUREAU = [role_required(*BUREAU_STAFF)]


def _sites(codes) -> list[InspectionSite]:
    sites = {site.code: site for site in InspectionSite.objects.filter(code__in=list(codes))}
    missing = [code for code in codes if code not in sites]
    if missing:
        raise DjangoValidationError({"sites": [_("Unknown sites: %(s)s.") % {"s": ", ".join(missing)}]})
    return [sites[code] for code in codes]


class _Selected:
    """The rows come from ``selector`` (which checks the user's role); none while drf-spectacular describes the
    view without a user."""

    selector = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        return type(self).selector(user=self.request.user)


def _own_profile(user):
    profile = selectors.officer_own(user=user)
    if profile is None:
        raise DjangoValidationError({"officer": [_("This user has no officer profile.")]})
    return profile


def _import(service, request):
    serializer = UploadSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    created = service(actor=request.user, rows=staff_files.upload_rows(serializer.validated_data["file"]))
    return Response(ImportResultSerializer({"created": len(created)}).data, status=status.HTTP_201_CREATED)


class _RosterViewSet(_Selected, ReadWriteRolesMixin, viewsets.ReadOnlyModelViewSet):
    """Bureau staff read; supervisors and administrators change."""

    lookup_value_regex = r"[0-9]+"
    read_roles = BUREAU_STAFF
    write_roles = tuple(ROSTER_KEEPERS)


class OfficerViewSet(_Selected, ReadWriteRolesMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """The bureau's officers: supervisors and administrators read; administrators create, edit, deactivate and
    import them (the file all or nothing: a 400 lists every row's errors as ``row <n>.<column>``)."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = OfficerSerializer
    filterset_class = OfficerFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]
    read_roles = (Role.SUPERVISOR, Role.ADMINISTRATOR)
    write_roles = tuple(STAFF_MANAGERS)
    selector = selectors.officer_list

    @extend_schema(request=OfficerWriteSerializer, responses={201: OfficerSerializer})
    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = OfficerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["sites"] = _sites(data["sites"])
        data.setdefault("username", "")
        profile = services.officer_create(actor=request.user, **data)
        return Response(OfficerSerializer(profile).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OfficerWriteSerializer, responses=OfficerSerializer)
    def partial_update(self, request, *args, **kwargs):
        profile = self.get_object()
        user = profile.user
        current = {"badge_no": profile.badge_no, "family_name": user.last_name, "given_name": user.first_name,
                   "email": user.email, "categories": profile.categories,
                   "sites": [site.code for site in profile.sites.all()]}
        changes = request.data if isinstance(request.data, dict) else {}
        serializer = OfficerWriteSerializer(data={**current, **changes})
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k not in ("username", "password")}
        data["sites"] = _sites(data["sites"])
        profile = services.officer_update(actor=request.user, officer=profile, **data)
        return Response(OfficerSerializer(profile).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=ReasonSerializer, responses=OfficerSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.officer_deactivate(actor=request.user, officer=self.get_object(),
                                              reason=serializer.validated_data["reason"])
        return Response(OfficerSerializer(profile).data)

    @extend_schema(request=ReasonSerializer, responses=OfficerSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.officer_reactivate(actor=request.user, officer=self.get_object(),
                                              reason=serializer.validated_data["reason"])
        return Response(OfficerSerializer(profile).data)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: ImportResultSerializer})
    @action(detail=False, methods=["post"], url_path="import", url_name="import",
            parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        return _import(services.officers_import, request)


class RosterPatternViewSet(ServiceCreateMixin, mixins.DestroyModelMixin, _RosterViewSet):
    """Weekly duties (an end at or before the start ends the next day). Bureau staff read; supervisors and
    administrators add, remove, cancel a duty on a day, and upload a roster file (all or nothing)."""

    serializer_class = RosterPatternSerializer
    filterset_class = RosterPatternFilterSet
    selector = selectors.roster_pattern_list
    create_service = services.roster_pattern_add

    def perform_destroy(self, instance):
        services.roster_pattern_remove(actor=self.request.user, pattern=instance)

    @extend_schema(request=DutyCancelSerializer, responses={201: RosterCancellationSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        serializer = DutyCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cancellation = services.roster_duty_cancel(actor=request.user, pattern=self.get_object(),
                                                   **serializer.validated_data)
        return Response(RosterCancellationSerializer(cancellation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: ImportResultSerializer})
    @action(detail=False, methods=["post"], url_path="import", url_name="import",
            parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        return _import(services.roster_import, request)


class RosterCancellationViewSet(mixins.DestroyModelMixin, _RosterViewSet):
    """Weekly duties cancelled on a day; removing one restores the duty."""

    serializer_class = RosterCancellationSerializer
    selector = selectors.roster_cancellation_list

    def perform_destroy(self, instance):
        services.roster_cancellation_remove(actor=self.request.user, cancellation=instance)


class OfficerShiftViewSet(ServiceCreateMixin, mixins.DestroyModelMixin, _RosterViewSet):
    """Dated extra shifts beside the weekly roster."""

    serializer_class = OfficerShiftSerializer
    filterset_class = OfficerShiftFilterSet
    selector = selectors.officer_shift_list
    create_service = services.officer_shift_add

    def perform_destroy(self, instance):
        services.officer_shift_remove(actor=self.request.user, shift=instance)


class RosterWeekView(APIView):
    """A site's week: each rostered officer's duties day by day, cancelled ones marked, and days of leave."""

    permission_classes = BUREAU

    @extend_schema(parameters=[OpenApiParameter("site", int, required=True),
                               OpenApiParameter("week", date, description="any day of the week")],
                   responses=RosterWeekSerializer)
    def get(self, request):
        site = get_object_or_404(InspectionSite, pk=request.query_params.get("site") if str(
            request.query_params.get("site", "")).isdigit() else None)
        try:
            day = date.fromisoformat(request.query_params.get("week", ""))
        except ValueError:
            day = timezone.localdate()
        week = selectors.roster_week(user=request.user, site=site, monday=day)
        officers = [{
            "officer": row["officer"].pk, "badge_no": row["officer"].badge_no,
            "name": row["officer"].user.get_full_name(),
            "days": [{"day": cell["day"], "on_leave": cell["leave"], "duties": [
                {"starts_at": entry["duty"].starts_at, "ends_at": entry["duty"].ends_at,
                 "weekly_duty": entry["duty"].pattern_id, "extra_shift": entry["duty"].shift_id,
                 "cancelled": entry["cancelled"]} for entry in cell["duties"]]} for cell in row["cells"]],
        } for row in week["rows"]]
        return Response(RosterWeekSerializer({"site": site.pk, "week": week["monday"], "officers": officers}).data)


class LeaveViewSet(_Selected, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Leave: an officer asks for their own; supervisors and administrators see all and approve or refuse."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = LeaveSerializer
    filterset_class = LeaveFilterSet
    permission_classes = [IsAuthenticated, *BUREAU]

    selector = selectors.leave_list

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        leave = services.officer_leave_request(actor=request.user, officer=_own_profile(request.user),
                                               **serializer.validated_data)
        return Response(self.get_serializer(leave).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LeaveDecisionSerializer, responses=LeaveSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF_VIEWERS)
    def approve(self, request, pk=None):
        return self._decide(services.officer_leave_approve, request)

    @extend_schema(request=LeaveDecisionSerializer, responses=LeaveSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF_VIEWERS)
    def refuse(self, request, pk=None):
        return self._decide(services.officer_leave_refuse, request)

    def _decide(self, service, request):
        serializer = LeaveDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        leave = service(actor=request.user, leave=self.get_object(), note=serializer.validated_data["note"])
        return Response(LeaveSerializer(leave).data)


class ConflictViewSet(_Selected, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Declared conflicts of interest: an officer declares their own and sees those; supervisors and
    administrators see all and acknowledge them. Never anyone outside the bureau."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = ConflictSerializer
    filterset_class = ConflictFilterSet
    permission_classes = BUREAU

    selector = selectors.conflict_list

    @idempotent
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conflict = services.conflict_declare(actor=request.user, officer=_own_profile(request.user),
                                             **serializer.validated_data)
        return Response(self.get_serializer(conflict).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ConflictSerializer)
    @action(detail=True, methods=["post"], permission_classes=STAFF_VIEWERS)
    def acknowledge(self, request, pk=None):
        conflict = services.conflict_acknowledge(actor=request.user, conflict=self.get_object())
        return Response(ConflictSerializer(conflict).data)
