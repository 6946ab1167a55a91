"""The clearance pipeline's steps taken on the lower apps' pages: the declarant's submit on the declaration's page,
the officer's sample and conclusion on the inspection task's page. They run the pipeline, which release owns; the
pages they answer with are the declarations and inspection apps' own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from declarations import selectors as declaration_selectors
from declarations.views import declarations as declaration_views
from inspection.forms import ConclusionForm, SampleForm
from inspection.views import tasks as inspection_task_views

from .. import services


@login_required
@require_POST
def declaration_submit(request, pk):
    declaration_views.declarant_required(request)
    declaration = declaration_selectors.declaration_get(user=request.user, pk=pk)
    try:
        services.clearance_submit(declaration=declaration, actor=request.user)
    except ValidationError as exc:
        return declaration_views.submission_refused(request, declaration, exc)
    messages.success(request, _("Declaration submitted."))
    return redirect("declarations:detail", pk=pk)


@login_required
@require_POST
def declaration_file(request, pk=None):
    """"Submit" on the declaration's form (new or a draft's): the draft is saved as typed, with the documents
    attached there, then submitted. A refused form keeps nothing; a draft that saved but cannot be submitted yet is
    shown on its form with every reason marked."""
    declaration_views.declarant_required(request)
    declaration = declaration_selectors.declaration_get(user=request.user, pk=pk) if pk is not None else None
    declaration, page = declaration_views.draft_save(request, declaration, submitting=True)
    if page is not None:
        return page
    try:
        services.clearance_submit(declaration=declaration, actor=request.user)
    except ValidationError as exc:
        messages.info(request, _("Draft %(number)s saved.") % {"number": declaration.number})
        return declaration_views.submission_refused(request, declaration, exc)
    messages.success(request, _("Declaration %(number)s submitted.") % {"number": declaration.number})
    return redirect("declarations:detail", pk=declaration.pk)


@login_required
@require_POST
def task_sample(request, pk):
    return inspection_task_views.task_form_post(
        request, pk, SampleForm, "sample_form",
        lambda task, data: services.clearance_sample(task=task, actor=request.user, **data),
        _("Sample recorded."))


@login_required
@require_POST
def task_conclude(request, pk):
    return inspection_task_views.task_form_post(
        request, pk, ConclusionForm, "conclusion_form",
        lambda task, data: services.clearance_conclude(task=task, conclusion=data["conclusion"],
                                                       disposition=data["disposition"], note=data["note"],
                                                       actor=request.user),
        _("Inspection concluded."))
