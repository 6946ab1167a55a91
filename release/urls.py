"""Mounted at the site root (ciq_portal/urls.py includes release.urls at ""): the public paths /t/, /verify/,
/public/statistics/ and /recall/ live here beside the bureau's /release/ pages, and so do the clearance
pipeline's steps taken on the declaration's and the inspection task's pages."""

from django.urls import path

from .views import bulk_submit, dashboard, desk, pipeline, policy, public, releases, targeting

app_name = "release"

urlpatterns = [
    # Public pages
    path("t/<str:trace_code>/", public.trace, name="trace"),
    path("t/<str:trace_code>/qr.svg", public.trace_qr, name="trace_qr"),
    path("verify/", public.verify_lookup, name="verify_lookup"),
    path("verify/<str:number>/", public.verify, name="verify"),
    path("verify/<str:number>/certificate.json", public.verify_json, name="verify_json"),
    path("public/statistics/", public.public_statistics, name="public_statistics"),
    path("recall/ack/<str:token>/", public.recall_acknowledge, name="recall_ack"),
    # Supervisors
    path("release/dashboard/", dashboard.dashboard, name="dashboard"),
    path("release/dashboard/export.<str:fmt>", dashboard.dashboard_export, name="dashboard_export"),
    path("release/matrix/", policy.matrix_edit, name="matrix"),
    path("release/negative-list/", policy.negative_list, name="negative_list"),
    path("release/targeting/", targeting.targeting, name="targeting"),
    path("release/targeting/recompute/", targeting.targeting_recompute, name="targeting_recompute"),
    path("release/negative-list/<int:pk>/retire/", policy.negative_list_retire, name="negative_list_retire"),
    # Releases and after release
    path("release/releases/", releases.release_list, name="list"),
    path("release/releases/<int:pk>/", releases.release_detail, name="detail"),
    path("release/releases/<int:pk>/distribution/", releases.distribution_add, name="distribution_add"),
    path("release/releases/<int:pk>/recall/", releases.recall_open, name="recall_open"),
    path("release/releases/<int:pk>/recall/close/", releases.recall_close, name="recall_close"),
    path("release/releases/<int:pk>/certificate/revoke/", releases.certificate_revoke, name="certificate_revoke"),
    path("release/releases/<int:pk>/notices/<int:notice_pk>/acknowledge/", releases.notice_acknowledge,
         name="notice_acknowledge"),
    path("release/releases/<int:pk>/post-checks/", releases.post_check_schedule, name="post_check_schedule"),
    path("release/releases/<int:pk>/post-checks/<int:check_pk>/", releases.post_check_record, name="post_check_record"),
    path("release/certificates/<str:number>.pdf", releases.certificate_pdf, name="certificate_pdf"),
    path("release/recalls/", releases.recall_list, name="recalls"),
    path("release/post-checks/", releases.post_check_list, name="post_checks"),
    # The release desk (a declaration's decision and the officers' cross-app steps)
    path("release/declarations/<int:pk>/", desk.decision_detail, name="decision"),
    path("release/declarations/<int:pk>/report/", desk.report_supply, name="report_supply"),
    path("release/labs/check/", desk.lab_check, name="lab_check"),
    path("release/declarations/<int:pk>/reports/<int:report_pk>/verify/", desk.report_verify, name="report_verify"),
    path("release/declarations/<int:pk>/sample-release/", desk.sample_release, name="sample_release"),
    path("release/declarations/<int:pk>/conclude/", desk.conclude, name="conclude"),
    path("release/declarations/<int:pk>/resume/", desk.resume, name="resume"),
    path("release/verification/", desk.verification_queue, name="verification_queue"),
    path("release/direct/", desk.direct_release, name="direct_release"),
    # The pipeline's steps on the declaration's and the inspection task's pages (the paths are theirs)
    path("declarations/<int:pk>/submit/", pipeline.declaration_submit, name="declaration_submit"),
    path("declarations/new/submit/", pipeline.declaration_file, name="declaration_file"),
    path("declarations/<int:pk>/edit/submit/", pipeline.declaration_file, name="declaration_edit_submit"),
    path("declarations/submit-together/", bulk_submit.bulk_submit, name="bulk_submit"),
    path("declarations/submit-together/<int:pk>/", bulk_submit.bulk_submission, name="bulk_submission"),
    path("inspection/tasks/<int:pk>/samples/", pipeline.task_sample, name="task_sample"),
    path("inspection/tasks/<int:pk>/conclude/", pipeline.task_conclude, name="task_conclude"),
]
