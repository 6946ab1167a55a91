"""Bulk import of declarations from a CSV or XLSX file: the upload, its progress and the template."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render

from ciq_portal.forms import errors_to_forms
from ciq_portal.i18n import message_for_reader
from ciq_portal.scoping import user_enterprise_id

from .. import bulk, selectors
from ..forms import ImportForm
from .declarations import declarant_required


@login_required
def import_page(request):
    declarant_required(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = bulk.import_job_start(enterprise_id=user_enterprise_id(request.user), actor=request.user,
                                        **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            return redirect("declarations:import_job", pk=job.pk)
    return render(request, "declarations/import.html", {"columns": bulk.COLUMNS, "form": form},
                  status=400 if form.errors else 200)


@login_required
def import_job(request, pk):
    declarant_required(request)
    job = selectors.import_job_get(user=request.user, pk=pk)
    if request.headers.get("HX-Request") or request.GET.get("format") == "json":
        if request.GET.get("format") == "json":
            return JsonResponse({"status": job.status, "total": job.total, "processed": job.processed,
                                 "imported": job.imported, "errors": [
                                     {"row": e["row"], "field": e["field"], "message": message_for_reader(e)}
                                     for e in job.errors]})
        return render(request, "declarations/_import_progress.html", {"job": job})
    return render(request, "declarations/import_job.html", {"job": job})


@login_required
def import_template(request, fmt):
    declarant_required(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return bulk.template(fmt)
