"""The published outcomes of random inspections (一公开), mounted by the project at /public/results/."""

from django.urls import path

from .views import public

app_name = "results_public"

urlpatterns = [
    path("", public.public_results, name="index"),
    path("results.json", public.public_results_json, name="json"),
    path("results.csv", public.public_results_csv, name="csv"),
]
