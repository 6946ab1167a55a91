from rest_framework.routers import SimpleRouter

from .logistics import LogisticsEventViewSet
from .reference import DocumentRequirementViewSet, HSCodeViewSet, HSEditionViewSet, PortViewSet
from .views import DeclarationViewSet, RegistrationViewSet

router = SimpleRouter()
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("logistics-events", LogisticsEventViewSet, basename="logistics-event")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("document-requirements", DocumentRequirementViewSet, basename="document-requirement")
router.register("hs-codes", HSCodeViewSet, basename="hs-code")
router.register("hs-editions", HSEditionViewSet, basename="hs-edition")
router.register("ports", PortViewSet, basename="port")

urlpatterns = router.urls
