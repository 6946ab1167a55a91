from rest_framework.routers import SimpleRouter

from .views import RiskAssessmentViewSet, RiskBulletinViewSet, RiskRuleViewSet

router = SimpleRouter()
router.register("risk-assessments", RiskAssessmentViewSet, basename="risk-assessment")
router.register("risk-bulletins", RiskBulletinViewSet, basename="risk-bulletin")
router.register("risk-rules", RiskRuleViewSet, basename="risk-rule")

urlpatterns = router.urls
