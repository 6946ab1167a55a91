from django.urls import path
from rest_framework.routers import SimpleRouter

from .lab_work import LabOrderViewSet, LabResultViewSet, SampleViewSet
from .labs import LabPolicyViewSet, LabViewSet
from .limits import TestItemViewSet, TestLimitViewSet
from .sites import InspectionSiteViewSet
from .staff import (
    ConflictViewSet,
    LeaveViewSet,
    OfficerShiftViewSet,
    OfficerViewSet,
    RosterCancellationViewSet,
    RosterPatternViewSet,
    RosterWeekView,
)
from .views import InspectionTaskViewSet, JointInspectionViewSet, TestReportViewSet

router = SimpleRouter()
router.register("inspection-tasks", InspectionTaskViewSet, basename="inspection-task")
router.register("labs", LabViewSet, basename="lab")
router.register("samples", SampleViewSet, basename="sample")
router.register("lab-orders", LabOrderViewSet, basename="lab-order")
router.register("lab-results", LabResultViewSet, basename="lab-result")
router.register("lab-policies", LabPolicyViewSet, basename="lab-policy")
router.register("test-reports", TestReportViewSet, basename="test-report")
router.register("inspection-sites", InspectionSiteViewSet, basename="inspection-site")
router.register("test-items", TestItemViewSet, basename="test-item")
router.register("test-limits", TestLimitViewSet, basename="test-limit")
router.register("joint-inspections", JointInspectionViewSet, basename="joint-inspection")

router.register("officers", OfficerViewSet, basename="officer")
router.register("roster-duties", RosterPatternViewSet, basename="roster-duty")
router.register("roster-cancellations", RosterCancellationViewSet, basename="roster-cancellation")
router.register("roster-shifts", OfficerShiftViewSet, basename="roster-shift")
router.register("officer-leave", LeaveViewSet, basename="officer-leave")
router.register("conflicts-of-interest", ConflictViewSet, basename="conflict-of-interest")

urlpatterns = [path("roster-week/", RosterWeekView.as_view(), name="roster-week"), *router.urls]
