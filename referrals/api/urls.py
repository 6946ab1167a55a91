from rest_framework.routers import SimpleRouter

from .views import CaseReferralViewSet

router = SimpleRouter()
router.register("case-referrals", CaseReferralViewSet, basename="case-referral")

urlpatterns = router.urls
