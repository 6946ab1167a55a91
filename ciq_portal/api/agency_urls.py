from django.urls import path
from rest_framework.routers import SimpleRouter

from .agency_views import (
    AgencyKeyViewSet,
    AgencyMeView,
    AuditHeadListView,
    NotificationViewSet,
    SubscriptionViewSet,
    WebhookDeliveryViewSet,
)
from .calendar_views import CalendarYearViewSet
from .messaging_views import MessageDeliveryViewSet

router = SimpleRouter()
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("message-deliveries", MessageDeliveryViewSet, basename="message-delivery")
router.register("agency/keys", AgencyKeyViewSet, basename="agency-key")
router.register("calendar-years", CalendarYearViewSet, basename="calendar-year")

urlpatterns = [
    path("agency/me/", AgencyMeView.as_view(), name="agency-me"),
    path("audit-heads/", AuditHeadListView.as_view(), name="audit-head-list"),
    *router.urls,
]
