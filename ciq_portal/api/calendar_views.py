"""The bureau's working calendar over the API: ``GET /api/v1/calendar-years/`` and ``/{year}/`` for bureau staff,
``PUT /api/v1/calendar-years/{year}/`` (create or replace the year) for administrators."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..models import CalendarDay, CalendarDayKind, CalendarYear
from ..roles import Role
from ..working_calendar import FIRST_YEAR, LAST_YEAR, calendar_year_get, calendar_year_list, calendar_year_save
from .permissions import role_required

CALENDAR_READERS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)


class CalendarDaySerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=CalendarDayKind.choices)

    class Meta:
        model = CalendarDay
        fields = ["day", "kind", "name"]
        extra_kwargs = {"day": {"validators": []}}


class CalendarYearSerializer(serializers.ModelSerializer):
    weekend_days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=7), max_length=7,
                                         help_text="ISO weekdays off every week (1 = Monday, 7 = Sunday).")
    days = CalendarDaySerializer(many=True, help_text="Public holidays and adjusted working days (调休).")

    class Meta:
        model = CalendarYear
        fields = ["year", "work_starts", "work_ends", "weekend_days", "days", "updated_at"]
        read_only_fields = ["year", "updated_at"]


class CalendarYearViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = CalendarYear.objects.none()
    serializer_class = CalendarYearSerializer
    permission_classes = [IsAuthenticated, role_required(*CALENDAR_READERS)]
    lookup_field = "year"
    lookup_value_regex = r"[0-9]+"
    pagination_class = None

    def get_queryset(self):
        return calendar_year_list().prefetch_related("days")

    def get_object(self):
        year = int(self.kwargs["year"])
        calendar = calendar_year_get(year) if FIRST_YEAR <= year <= LAST_YEAR else None
        if calendar is None:
            raise Http404
        return calendar

    def get_permissions(self):
        if self.request.method == "PUT":
            return [IsAuthenticated(), role_required(Role.ADMINISTRATOR)()]
        return super().get_permissions()

    @extend_schema(request=CalendarYearSerializer, responses=CalendarYearSerializer)
    def update(self, request, year=None):
        """Create or replace the year's calendar (administrators)."""
        year = int(year)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404
        serializer = CalendarYearSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        calendar = calendar_year_save(actor=request.user, year=year, work_starts=data["work_starts"],
                                      work_ends=data["work_ends"], weekend_days=data["weekend_days"],
                                      days=[dict(d) for d in data["days"]])
        return Response(CalendarYearSerializer(calendar_year_get(calendar.year)).data)
