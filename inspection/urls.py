from django.urls import path

from .views import joint, labs, limits, sites, tasks

app_name = "inspection"

urlpatterns = [
    path("", tasks.queue, name="queue"),
    path("claim-next/", tasks.claim_next, name="claim_next"),
    path("tasks/", tasks.task_list, name="task_list"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:pk>/claim/", tasks.task_claim, name="task_claim"),
    path("tasks/<int:pk>/release/", tasks.task_release, name="task_release"),
    path("tasks/<int:pk>/reassign/", tasks.task_reassign, name="task_reassign"),
    path("tasks/<int:pk>/confidential/", tasks.task_confidential, name="task_confidential"),
    path("tasks/<int:pk>/checklist/", tasks.task_checklist, name="task_checklist"),
    path("tasks/<int:pk>/findings/", tasks.task_findings, name="task_findings"),
    path("tasks/<int:pk>/photos/", tasks.task_photo, name="task_photo"),
    path("tasks/<int:pk>/samples/<int:sample_pk>/custody/", tasks.sample_custody, name="sample_custody"),
    path("tasks/<int:pk>/lab-orders/", tasks.task_lab_order, name="task_lab_order"),
    path("tasks/<int:pk>/lab-orders/<int:order_pk>/results/", tasks.lab_order_results, name="lab_results"),
    path("labs/", labs.lab_list, name="labs"),
    path("labs/new/", labs.lab_form, name="lab_create"),
    path("labs/policy/", labs.lab_policy, name="lab_policy"),
    path("labs/<int:pk>/", labs.lab_detail, name="lab"),
    path("labs/<int:pk>/edit/", labs.lab_form, name="lab_edit"),
    path("labs/<int:pk>/retests/", labs.lab_retest, name="lab_retest"),
    path("labs/<int:pk>/<str:action>/", labs.lab_status, name="lab_status"),
    path("sites/", sites.site_list, name="sites"),
    path("sites/new/", sites.site_form, name="site_create"),
    path("sites/<int:pk>/", sites.site_detail, name="site"),
    path("sites/<int:pk>/edit/", sites.site_form, name="site_edit"),
    path("sites/<int:pk>/close/", sites.site_close, name="site_close"),
    path("test-items/", limits.test_item_list, name="test_items"),
    path("test-items/new/", limits.test_item_form, name="test_item_create"),
    path("test-items/<int:pk>/", limits.test_item_detail, name="test_item"),
    path("test-items/<int:pk>/edit/", limits.test_item_form, name="test_item_edit"),
    path("test-items/<int:pk>/limits/", limits.test_limit_add, name="test_limit_add"),
    path("limits/", limits.test_limit_list, name="test_limits"),
    path("limits/import/", limits.test_limit_import, name="test_limit_import"),
    path("limits/import/template.csv", limits.test_limit_template, name="test_limit_template"),
    path("joint/", joint.joint_list, name="joint_list"),
    path("joint/<int:pk>/schedule/", joint.joint_schedule, name="joint_schedule"),
]
