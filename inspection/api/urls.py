from rest_framework.routers import SimpleRouter

from .referrals import CaseReferralViewSet
from .views import InspectionTaskViewSet, JointInspectionViewSet, LabViewSet, TestReportViewSet

router = SimpleRouter()
router.register("inspection-tasks", InspectionTaskViewSet, basename="inspection-task")
router.register("labs", LabViewSet, basename="lab")
router.register("test-reports", TestReportViewSet, basename="test-report")
router.register("joint-inspections", JointInspectionViewSet, basename="joint-inspection")
router.register("case-referrals", CaseReferralViewSet, basename="case-referral")

urlpatterns = router.urls
