from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/", include("ciq_portal.portal_urls")),
    path("search/", views.search, name="search"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("ciq_portal.account_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("ciq_portal.api.urls")),
    path("credit/", include("credit.urls")),
    path("declarations/", include("declarations.urls")),
    path("risk/", include("risk.urls")),
    # Case referrals are an app of their own; their pages keep the address officers know, under inspection.
    path("inspection/case-referrals/", include("referrals.urls")),
    path("inspection/", include("inspection.urls")),
    path("public/draws/", include("inspection.public_urls")),
    path("public/results/", include("inspection.public_results_urls")),
    path("public/", include("ciq_portal.public_urls")),
    path("", include("release.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler403 = "ciq_portal.views.error_403"
handler404 = "ciq_portal.views.error_404"
handler500 = "ciq_portal.views.error_500"
