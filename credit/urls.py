from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("mine/", views.my_credit, name="my_credit"),
    path("mine/changes/<int:change_pk>/object/", views.objection_new, name="objection_new"),
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("overview/", views.overview, name="overview"),
    path("overview/recompute/", views.recompute_now, name="recompute_now"),
    path("objections/", views.objection_queue, name="objection_queue"),
    path("objections/<int:pk>/", views.objection_detail, name="objection_detail"),
    path("policy/", views.policy, name="policy"),
    path("apply/", views.apply, name="apply"),
    path("apply/done/", views.apply_done, name="apply_done"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/licence/", views.application_licence, name="application_licence"),
    path("users/", views.members, name="members"),
    path("users/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("delegations/", views.delegations, name="delegations"),
    path("delegations/<int:pk>/revoke/", views.delegation_revoke, name="delegation_revoke"),
]
