from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app
from .forms import SearchForm, errors_to_forms
from .navigation import home_url_for
from .roles import BUREAU_ROLES, Role, require_role
from .search import search_query_clean, search_run


@login_required
def home(request):
    """After login every role lands on its own home page."""
    return redirect(home_url_for(request.user))


@login_required
def portal_home(request):
    return render(request, "home/portal_home.html")


@login_required
def search(request):
    """One box for a number, a container, a bill of lading or an enterprise; results grouped by kind, each a link."""
    require_role(request.user, Role.DECLARANT, *BUREAU_ROLES)
    form, groups = SearchForm(request.GET), None
    if "q" in request.GET:
        try:
            groups = search_run(user=request.user, query=search_query_clean(request.GET["q"]))
        except ValidationError as exc:
            errors_to_forms(exc, form)
    return render(request, "portal/search.html", {"form": form, "groups": groups}, status=400 if form.errors else 200)


def _database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # the point is to report any failure, whatever its kind
        return {"status": "error", "vendor": connection.vendor, "error": exc.__class__.__name__}


def _broker_status() -> dict:
    if celery_app.conf.task_always_eager:
        return {"status": "ok", "mode": "in-process"}
    mode = celery_app.conf.broker_url.split(":", 1)[0]  # redis, or filesystem (the embedded queue of make run)
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return {"status": "ok", "mode": mode}
    except Exception as exc:  # reported, not raised: this is a health probe
        return {"status": "error", "mode": mode, "error": exc.__class__.__name__}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(check["status"] == "ok" for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)


@require_GET
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page says: send them to the static icon."""
    return redirect(static("favicon.svg"), permanent=True)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # Rendered without the request context: the failure may be the database that context processors need.
    return HttpResponseServerError(loader.get_template("500.html").render())
