from django.urls import path

from . import views

app_name = "risk"

urlpatterns = [
    path("", views.home, name="home"),
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/", views.rule_detail, name="rule_detail"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/<str:verb>/", views.rule_move, name="rule_move"),
    path("performance/", views.performance, name="performance"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", views.bulletin_form, name="bulletin_create"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", views.bulletin_form, name="bulletin_edit"),
    path("bulletins/<int:pk>/<str:verb>/", views.bulletin_move, name="bulletin_move"),
    path("models/", views.model_list, name="model_list"),
    path("models/<int:pk>/", views.model_detail, name="model_detail"),
    path("models/<int:pk>/activate/", views.model_activate, name="model_activate"),
    path("declarations/<int:declaration_id>/", views.declaration_assessments, name="declaration_assessments"),
    path("public/bulletins/", views.public_bulletins, name="public_bulletins"),
]
