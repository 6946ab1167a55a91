from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import SearchView, TokenCreateView

urlpatterns = [
    path("auth/token/", TokenCreateView.as_view(), name="api-token"),
    path("search/", SearchView.as_view(), name="api-search"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("ciq_portal.api.agency_urls")),
    path("", include("credit.api.urls")),
    path("", include("declarations.api.urls")),
    path("", include("risk.api.urls")),
    path("", include("inspection.api.urls")),
    path("", include("referrals.api.urls")),
    path("", include("release.api.urls")),
]
