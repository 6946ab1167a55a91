from rest_framework.routers import SimpleRouter

from .logistics import LogisticsEventViewSet
from .views import DeclarationViewSet, RegistrationViewSet

router = SimpleRouter()
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("logistics-events", LogisticsEventViewSet, basename="logistics-event")
router.register("registrations", RegistrationViewSet, basename="registration")

urlpatterns = router.urls
