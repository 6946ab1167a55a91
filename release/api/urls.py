from django.urls import path
from rest_framework.routers import SimpleRouter

from . import bulk_submit, dashboard, pipeline, views

router = SimpleRouter()
router.register("releases", views.ReleaseViewSet, basename="release")
router.register("release-decisions", views.ReleaseDecisionViewSet, basename="release-decision")
router.register("negative-list", views.NegativeListViewSet, basename="negative-list")
router.register("bulk-submissions", bulk_submit.BulkSubmissionViewSet, basename="bulk-submission")

urlpatterns = [
    path("release-matrix/", views.ReleaseMatrixView.as_view(), name="release-matrix"),
    path("release-dashboard/", dashboard.ReleaseDashboardView.as_view(), name="release-dashboard"),
    path("certificates/<str:number>/verify/", views.CertificateVerifyView.as_view(), name="certificate-verify"),
    # The pipeline's steps on the declarations' and inspection tasks' resources (the paths are theirs).
    path("declarations/<int:pk>/submit/", pipeline.DeclarationSubmitView.as_view(), name="declaration-submit"),
    path("inspection-tasks/<int:pk>/conclude/", pipeline.InspectionTaskConcludeView.as_view(),
         name="inspection-task-conclude"),
    path("inspection-tasks/<int:pk>/samples/", pipeline.InspectionTaskSampleView.as_view(),
         name="inspection-task-samples"),
    *router.urls,
]
