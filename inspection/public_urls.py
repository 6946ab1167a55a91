"""The public draw record (一公开), mounted by the project at /public/draws/."""

from django.urls import path

from .views import public

app_name = "draws_public"

urlpatterns = [
    path("", public.public_draws, name="index"),
    path("verify.py", public.public_draw_script, name="script"),
    path("<str:day>/", public.public_draw_day, name="day"),
    path("<str:day>.json", public.public_draw_json, name="json"),
    path("<str:day>.csv", public.public_draw_csv, name="csv"),
]
