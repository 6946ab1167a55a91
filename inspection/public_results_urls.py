"""The published outcomes of random inspections (一公开), mounted by the project at /public/results/."""

from django.urls import path

from . import views

app_name = "results_public"

urlpatterns = [
    path("", views.public_results, name="index"),
    path("results.json", views.public_results_json, name="json"),
    path("results.csv", views.public_results_csv, name="csv"),
]
