from django.urls import path

from . import views

app_name = "inspection"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("claim-next/", views.claim_next, name="claim_next"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<int:pk>/release/", views.task_release, name="task_release"),
    path("tasks/<int:pk>/reassign/", views.task_reassign, name="task_reassign"),
    path("tasks/<int:pk>/confidential/", views.task_confidential, name="task_confidential"),
    path("tasks/<int:pk>/checklist/", views.task_checklist, name="task_checklist"),
    path("tasks/<int:pk>/findings/", views.task_findings, name="task_findings"),
    path("tasks/<int:pk>/photos/", views.task_photo, name="task_photo"),
    path("tasks/<int:pk>/samples/<int:sample_pk>/custody/", views.sample_custody, name="sample_custody"),
    path("tasks/<int:pk>/lab-orders/", views.task_lab_order, name="task_lab_order"),
    path("tasks/<int:pk>/lab-orders/<int:order_pk>/results/", views.lab_order_results, name="lab_results"),
    path("labs/", views.lab_list, name="labs"),
    path("labs/<int:pk>/", views.lab_detail, name="lab"),
    path("labs/<int:pk>/<str:action>/", views.lab_status, name="lab_status"),
    path("joint/", views.joint_list, name="joint_list"),
    path("joint/<int:pk>/schedule/", views.joint_schedule, name="joint_schedule"),
]
