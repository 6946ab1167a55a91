"""The inspection queue and the task page: claim, reassign, the record, samples and lab orders."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import Role, has_role, require_role, user_roles
from declarations.models import Document
from risk.selectors import assessment_latest

from .. import selectors, services, transitions
from ..choices import TaskStatus, checklist_for
from ..forms import (
    ConclusionForm,
    ConfidentialForm,
    CustodyForm,
    FindingsForm,
    LabOrderForm,
    PhotoForm,
    ReassignForm,
    SampleForm,
)
from ..models import ConfidentialMark, LabOrder, Sample

BUREAU_INSPECTION_ROLES = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)


@login_required
def queue(request):
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    context = {
        "tasks": selectors.my_queue(user=request.user),
        "total": selectors.my_queue_count(user=request.user),
        "pool": selectors.pool_list(user=request.user),
        "is_supervisor": has_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR),
    }
    if context["is_supervisor"]:
        context["workload"] = selectors.workload()
    return render(request, "inspection/queue.html", context)


@login_required
def task_list(request):
    """Every task the bureau holds, open ones first by default: where a supervisor finds a task to reassign."""
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    filters = request.GET.copy()
    if "status" not in filters:
        filters.setlist("status", list(transitions.OPEN_STATUSES))
    filterset = selectors.inspection_task_filterset(user=request.user)(
        filters, queryset=selectors.inspection_task_list(user=request.user))
    return render(request, "inspection/task_list.html", {
        "filterset": filterset, "page_obj": Paginator(filterset.qs, 50).get_page(request.GET.get("page"))})


@login_required
@require_POST
def claim_next(request):
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    try:
        task = services.inspection_task_claim_next(actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("inspection:queue")
    if task is None:
        messages.info(request, _("No task in the pool for you right now."))
        return redirect("inspection:queue")
    return redirect("inspection:task", pk=task.pk)


def _task_context(request, task, **forms_):
    risk = assessment_latest(user=request.user, declaration=task.declaration)
    context = {
        "task": task,
        "declaration": task.declaration,
        "lines": list(task.declaration.lines.all()),
        "documents": list(Document.objects.filter(declaration=task.declaration)),
        "risk": risk,
        "risk_reasons": (getattr(risk, "reasons", None) or []) if risk else [],
        "bulletins": selectors.active_bulletins(task.declaration),
        "history": selectors.enterprise_history(task),
        "checklist": [{"code": code, "label": label, **task.checklist.get(code, {"ok": None, "note": ""})}
                      for code, label in checklist_for(task.category)],
        "photos": list(task.photos.all()),
        "samples": list(task.samples.prefetch_related("custody")),
        "orders": selectors.lab_orders_with_limits(task),
        "notes": list(task.notes.select_related("actor", "from_officer", "to_officer")),
        "moves": transitions.moves_for(task.status, user_roles(request.user)),
        # A task assigned to this officer is theirs to record on at once: the first entry claims it.
        "is_holder": (task.status in (TaskStatus.ASSIGNED, TaskStatus.CLAIMED)
                      and task.assigned_to_id == request.user.pk),
        "assigned_to_me": task.status == TaskStatus.ASSIGNED and task.assigned_to_id == request.user.pk,
        "is_supervisor": has_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR),
        "findings_form": forms_.get("findings_form") or FindingsForm(initial={"findings": task.findings}),
        "photo_form": forms_.get("photo_form") or PhotoForm(),
        "sample_form": forms_.get("sample_form") or SampleForm(),
        "custody_form": CustodyForm(),
        "lab_order_form": forms_.get("lab_order_form") or LabOrderForm(task=task),
        "conclusion_form": forms_.get("conclusion_form") or ConclusionForm(),
        "reassign_form": forms_.get("reassign_form") or ReassignForm(),
        "confidential_mark": ConfidentialMark.objects.filter(declaration=task.declaration).first(),
        "confidential_form": forms_.get("confidential_form") or ConfidentialForm(initial={"action": "mark"}),
    }
    context["can_record"] = context["is_holder"] or (context["is_supervisor"] and task.status == TaskStatus.CLAIMED)
    return context


@login_required
def task_detail(request, pk):
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    task = selectors.inspection_task_get(user=request.user, pk=pk)
    return render(request, "inspection/task.html", _task_context(request, task))


def task_form_post(request, pk, form_class, form_key, call, success, form_kwargs=None):
    """Parse one of the task page's forms and call ``call(task, cleaned_data)``; the page again with the form's
    errors (400), or back to it with ``success``. Release's views of the pipeline's steps answer with it too."""
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    task = selectors.inspection_task_get(user=request.user, pk=pk)
    form = form_class(request.POST, request.FILES, **(form_kwargs(task) if form_kwargs else {}))
    assigned_to_me = task.status == TaskStatus.ASSIGNED and task.assigned_to_id == request.user.pk
    if form.is_valid():
        try:
            call(task, form.cleaned_data)
            messages.success(request, success)
            task.refresh_from_db(fields=["status"])
            if assigned_to_me and task.status == TaskStatus.CLAIMED:
                messages.info(request, _("Inspection started: the task is now claimed by you."))
            return redirect("inspection:task", pk=task.pk)
        except ValidationError as exc:
            errors_to_forms(exc, form)
    task.refresh_from_db()
    return render(request, "inspection/task.html", _task_context(request, task, **{form_key: form}), status=400)


@login_required
@require_POST
def task_claim(request, pk):
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    task = selectors.inspection_task_get(user=request.user, pk=pk)
    try:
        services.inspection_task_claim(task=task, actor=request.user)
        messages.success(request, _("Task claimed: record the inspection below."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inspection:task", pk=pk)


@login_required
@require_POST
def task_release(request, pk):
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    task = selectors.inspection_task_get(user=request.user, pk=pk)
    try:
        services.inspection_task_release(task=task, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("The task is back in the pool."))
        return redirect("inspection:queue")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inspection:task", pk=pk)


@login_required
@require_POST
def task_confidential(request, pk):
    require_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)

    def call(task, data):
        if data["action"] == "unmark":
            services.declaration_confidential_unmark(declaration=task.declaration, actor=request.user)
        else:
            services.declaration_confidential_mark(declaration=task.declaration, reason=data["reason"],
                                                   actor=request.user)

    return task_form_post(request, pk, ConfidentialForm, "confidential_form", call,
                          _("The public record is updated."))


@login_required
@require_POST
def task_reassign(request, pk):
    require_role(request.user, Role.SUPERVISOR, Role.ADMINISTRATOR)
    return task_form_post(
        request, pk, ReassignForm, "reassign_form",
        lambda task, data: services.inspection_task_reassign(task=task, officer=data["officer"],
                                                            reason=data["reason"], actor=request.user),
        _("Task reassigned."))


@login_required
@require_POST
def task_checklist(request, pk):
    """htmx: save one checklist answer as soon as it is ticked; answers the updated row."""
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    task = selectors.inspection_task_get(user=request.user, pk=pk)
    item = request.POST.get("item", "")
    ok = {"yes": True, "no": False}.get(request.POST.get("ok", ""), None)
    error = ""
    try:
        task = services.inspection_checklist_save(task=task, item=item, ok=ok, note=request.POST.get("note", ""),
                                                  actor=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
        task.refresh_from_db()
    labels = dict(checklist_for(task.category))
    row = {"code": item, "label": labels.get(item, item), **task.checklist.get(item, {"ok": None, "note": ""})}
    return render(request, "inspection/_checklist_row.html",
                  {"task": task, "row": row, "error": error, "can_record": True, "saved": not error},
                  status=400 if error else 200)


@login_required
@require_POST
def task_findings(request, pk):
    return task_form_post(
        request, pk, FindingsForm, "findings_form",
        lambda task, data: services.inspection_findings_save(task=task, findings=data["findings"],
                                                             actor=request.user),
        _("Findings saved."))


@login_required
@require_POST
def task_photo(request, pk):
    return task_form_post(
        request, pk, PhotoForm, "photo_form",
        lambda task, data: services.inspection_photo_add(task=task, image=data["image"], caption=data["caption"],
                                                         actor=request.user),
        _("Photo added."))


@login_required
@require_POST
def sample_custody(request, pk, sample_pk):
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    task = selectors.inspection_task_get(user=request.user, pk=pk)
    sample = Sample.objects.filter(task=task, pk=sample_pk).first()
    if sample is None:
        raise Http404
    form = CustodyForm(request.POST)
    if form.is_valid():
        try:
            services.sample_custody_add(sample=sample, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Custody recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Fill in who holds the sample and what happened."))
    return redirect("inspection:task", pk=pk)


@login_required
@require_POST
def task_lab_order(request, pk):
    def call(task, data):
        sample = Sample.objects.get(task=task, pk=data["sample"])
        services.lab_order_create(task=task, sample=sample, lab=data["lab"], test_items=data["test_items"],
                                  actor=request.user)

    return task_form_post(request, pk, LabOrderForm, "lab_order_form", call, _("Laboratory order sent."),
                           form_kwargs=lambda task: {"task": task})


@login_required
@require_POST
def lab_order_results(request, pk, order_pk):
    require_role(request.user, *BUREAU_INSPECTION_ROLES)
    task = selectors.inspection_task_get(user=request.user, pk=pk)
    order = LabOrder.objects.filter(task=task, pk=order_pk).first()
    if order is None:
        raise Http404
    rows = []
    for item in order.test_items:
        rows.append({"test_item": item, "value": request.POST.get(f"value_{item}", ""),
                     "unit": request.POST.get(f"unit_{item}", ""),
                     "limit_min": request.POST.get(f"min_{item}", ""),
                     "limit_max": request.POST.get(f"max_{item}", "")})
    try:
        services.lab_result_record(order=order, results=rows, actor=request.user)
        messages.success(request, _("Laboratory results recorded."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("inspection:task", pk=pk)
