from rest_framework.routers import SimpleRouter

from .views import DeclarationViewSet, RegistrationViewSet

router = SimpleRouter()
router.register("declarations", DeclarationViewSet, basename="declaration")
router.register("registrations", RegistrationViewSet, basename="registration")

urlpatterns = router.urls
