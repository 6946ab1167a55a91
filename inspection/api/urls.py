from rest_framework.routers import SimpleRouter

from .labs import LabPolicyViewSet, LabViewSet
from .limits import TestItemViewSet, TestLimitViewSet
from .sites import InspectionSiteViewSet
from .views import InspectionTaskViewSet, JointInspectionViewSet, TestReportViewSet

router = SimpleRouter()
router.register("inspection-tasks", InspectionTaskViewSet, basename="inspection-task")
router.register("labs", LabViewSet, basename="lab")
router.register("lab-policies", LabPolicyViewSet, basename="lab-policy")
router.register("test-reports", TestReportViewSet, basename="test-report")
router.register("inspection-sites", InspectionSiteViewSet, basename="inspection-site")
router.register("test-items", TestItemViewSet, basename="test-item")
router.register("test-limits", TestLimitViewSet, basename="test-limit")
router.register("joint-inspections", JointInspectionViewSet, basename="joint-inspection")

urlpatterns = router.urls
