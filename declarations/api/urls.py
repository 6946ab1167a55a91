from rest_framework.routers import SimpleRouter

from .views import DeclarationViewSet

router = SimpleRouter()
router.register("declarations", DeclarationViewSet, basename="declaration")

urlpatterns = router.urls
