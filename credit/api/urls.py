from rest_framework.routers import SimpleRouter

from .views import CreditEventViewSet, CreditPolicyViewSet, DelegationViewSet, EnterpriseViewSet

router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("credit-events", CreditEventViewSet, basename="credit-event")
router.register("credit-policy", CreditPolicyViewSet, basename="credit-policy")
router.register("delegations", DelegationViewSet, basename="delegation")

urlpatterns = router.urls
