"""The public draw record (一公开), mounted by the project at /public/draws/."""

from django.urls import path

from . import views

app_name = "draws_public"

urlpatterns = [
    path("", views.public_draws, name="index"),
    path("verify.py", views.public_draw_script, name="script"),
    path("<str:day>/", views.public_draw_day, name="day"),
    path("<str:day>.json", views.public_draw_json, name="json"),
    path("<str:day>.csv", views.public_draw_csv, name="csv"),
]
