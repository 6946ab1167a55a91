"""Mounted at the site root (ciq_portal/urls.py includes release.urls at ""): the public paths /t/, /verify/,
/public/statistics/ and /recall/ live here beside the bureau's /release/ pages."""

from django.urls import path

from . import views

app_name = "release"

urlpatterns = [
    # Public pages
    path("t/<str:trace_code>/", views.trace, name="trace"),
    path("t/<str:trace_code>/qr.svg", views.trace_qr, name="trace_qr"),
    path("verify/", views.verify_lookup, name="verify_lookup"),
    path("verify/<str:number>/", views.verify, name="verify"),
    path("public/statistics/", views.public_statistics, name="public_statistics"),
    path("recall/ack/<str:token>/", views.recall_acknowledge, name="recall_ack"),
    # Supervisors
    path("release/dashboard/", views.dashboard, name="dashboard"),
    path("release/dashboard/export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path("release/matrix/", views.matrix_edit, name="matrix"),
    path("release/negative-list/", views.negative_list, name="negative_list"),
    path("release/negative-list/<int:pk>/retire/", views.negative_list_retire, name="negative_list_retire"),
    # Releases and after release
    path("release/releases/", views.release_list, name="list"),
    path("release/releases/<int:pk>/", views.release_detail, name="detail"),
    path("release/releases/<int:pk>/distribution/", views.distribution_add, name="distribution_add"),
    path("release/releases/<int:pk>/recall/", views.recall_open, name="recall_open"),
    path("release/releases/<int:pk>/recall/close/", views.recall_close, name="recall_close"),
    path("release/releases/<int:pk>/notices/<int:notice_pk>/acknowledge/", views.notice_acknowledge,
         name="notice_acknowledge"),
    path("release/releases/<int:pk>/post-checks/", views.post_check_schedule, name="post_check_schedule"),
    path("release/releases/<int:pk>/post-checks/<int:check_pk>/", views.post_check_record, name="post_check_record"),
    path("release/certificates/<str:number>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("release/recalls/", views.recall_list, name="recalls"),
    path("release/post-checks/", views.post_check_list, name="post_checks"),
    # The release desk (a declaration's decision and the officers' cross-app steps)
    path("release/declarations/<int:pk>/", views.decision_detail, name="decision"),
    path("release/declarations/<int:pk>/report/", views.report_supply, name="report_supply"),
    path("release/declarations/<int:pk>/reports/<int:report_pk>/verify/", views.report_verify, name="report_verify"),
    path("release/declarations/<int:pk>/sample-release/", views.sample_release, name="sample_release"),
    path("release/declarations/<int:pk>/conclude/", views.conclude, name="conclude"),
    path("release/declarations/<int:pk>/resume/", views.resume, name="resume"),
    path("release/verification/", views.verification_queue, name="verification_queue"),
    path("release/direct/", views.direct_release, name="direct_release"),
]
