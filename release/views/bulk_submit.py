"""Bulk submit on the declarations' path (the pipeline's step, so release's page): the declarant picks drafts, or
every draft left of a bulk import, submits them together and follows each one's outcome live."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from ciq_portal.forms import errors_to_forms
from declarations import selectors as declaration_selectors
from declarations.views import declarations as declaration_views

from .. import forms, selectors, services
from ..choices import BulkSubmissionStatus


def _import_job(request):
    job_id = request.POST.get("import_job") or request.GET.get("job") or ""
    if not job_id:
        return None
    if not job_id.isdigit():
        raise Http404
    return declaration_selectors.import_job_get(user=request.user, pk=int(job_id))


@login_required
def bulk_submit(request):
    declaration_views.declarant_required(request)
    job = _import_job(request)
    drafts = list(selectors.bulk_submit_drafts(user=request.user, import_job=job))
    form = forms.BulkSubmitForm(request.POST or None, drafts=drafts, initial={"import_job": job.pk if job else None})
    if request.method == "POST" and form.is_valid():
        whole_job = job is not None and "all" in request.POST
        try:
            submission = services.bulk_submission_start(
                actor=request.user, import_job=job if whole_job else None,
                declaration_ids=None if whole_job else form.cleaned_data["declarations"])
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            return redirect("release:bulk_submission", pk=submission.pk)
    return render(request, "release/bulk_submit.html", {
        "form": form, "drafts": drafts, "job": job,
        "submissions": selectors.bulk_submission_list(user=request.user)[:10]},
        status=400 if form.errors else 200)


@login_required
def bulk_submission(request, pk):
    declaration_views.declarant_required(request)
    submission = selectors.bulk_submission_get(user=request.user, pk=pk)
    context = {"submission": submission, "items": submission.items.select_related("declaration"),
               "running": submission.status != BulkSubmissionStatus.DONE}
    if request.headers.get("HX-Request"):
        return render(request, "release/_bulk_progress.html", context)
    return render(request, "release/bulk_submission.html", context)
