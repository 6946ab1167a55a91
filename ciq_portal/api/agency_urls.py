from django.urls import path
from rest_framework.routers import SimpleRouter

from .agency_views import (
    AgencyKeyViewSet,
    AgencyMeView,
    NotificationViewSet,
    SubscriptionViewSet,
    WebhookDeliveryViewSet,
)

router = SimpleRouter()
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("agency/keys", AgencyKeyViewSet, basename="agency-key")

urlpatterns = [
    path("agency/me/", AgencyMeView.as_view(), name="agency-me"),
    *router.urls,
]
