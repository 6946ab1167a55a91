"""The declarant's and officer's browser pages: thin, they parse input and call services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.roles import BUREAU_ROLES, Role, has_role, is_bureau_user
from ciq_portal.scoping import user_enterprise_id
from credit.models import Enterprise

from . import bulk, selectors, services, transitions
from .choices import DeclarationStatus, DocumentKind, InspectionPlace, TransportMode
from .filtersets import DeclarationFilterSet
from .models import ImportJob
from .validation import HEADER_FIELDS, LINE_FIELDS

PAGE_SIZE = 25
FORM_HEADER = [f for f in HEADER_FIELDS if f not in ("consignee", "consignor", "customs_broker")]
FORM_LINE = [f for f in LINE_FIELDS if f != "manufacturer"]


def _declarant_required(request):
    if not has_role(request.user, Role.DECLARANT) or user_enterprise_id(request.user) is None:
        raise PermissionDenied


def _reader_required(request):
    if not has_role(request.user, Role.DECLARANT, *BUREAU_ROLES):
        raise PermissionDenied


@login_required
def declaration_list(request):
    _reader_required(request)
    filterset = DeclarationFilterSet(request.GET or None, queryset=selectors.declaration_list(user=request.user))
    queryset = filterset.qs if filterset.is_bound else filterset.queryset
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "declarations/list.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "bureau": is_bureau_user(request.user),
        "can_create": has_role(request.user, Role.DECLARANT)})


def _lines_from_post(post) -> list[dict]:
    indices = sorted({int(key.split("-")[1]) for key in post if key.startswith("lines-") and
                      key.split("-")[1].isdigit()})
    lines = []
    for i in indices:
        line = {f: post.get(f"lines-{i}-{f}", "").strip() for f in FORM_LINE}
        if any(line.values()):
            lines.append(line)
    return lines


def _header_from_post(post) -> dict:
    header = {f: post.get(f, "").strip() for f in FORM_HEADER if f != "containers"}
    header["containers"] = post.get("containers", "")
    header["arrival_date"] = header.get("arrival_date") or None
    return header


def _form_context(header, lines, errors):
    line_rows = []
    for i, line in enumerate(lines or [{}]):
        line_errors = [m for key, msgs in errors.items() if key.startswith(f"lines.{i}.") for m in msgs]
        line_rows.append({"index": i, "values": line, "errors": line_errors})
    header_errors = {k: v for k, v in errors.items() if not k.startswith("lines.")}
    return {"header": header, "lines": line_rows, "errors": header_errors, "next_index": len(line_rows),
            "transport_modes": TransportMode.choices, "inspection_places": InspectionPlace.choices,
            "line_fields": FORM_LINE}


def _header_of(declaration) -> dict:
    header = {f: getattr(declaration, f) for f in FORM_HEADER}
    header["containers"] = " ".join(declaration.containers or [])
    header["arrival_date"] = declaration.arrival_date.isoformat() if declaration.arrival_date else ""
    return header


def _lines_of(declaration) -> list[dict]:
    return [{f: ("" if getattr(line, f) is None else getattr(line, f)) for f in FORM_LINE}
            for line in declaration.lines.order_by("line_no")]


@login_required
def declaration_create(request):
    _declarant_required(request)
    if request.method == "POST":
        header, lines = _header_from_post(request.POST), _lines_from_post(request.POST)
        try:
            enterprise = Enterprise.objects.get(pk=user_enterprise_id(request.user))
            declaration = services.declaration_create(enterprise=enterprise, actor=request.user, lines=lines,
                                                      **header)
        except ValidationError as exc:
            return render(request, "declarations/form.html",
                          {**_form_context(header, lines, exc.message_dict), "creating": True}, status=400)
        messages.success(request, _("Draft %(number)s saved.") % {"number": declaration.number})
        return redirect("declarations:detail", pk=declaration.pk)
    header = {"port_of_entry": "", "transport_mode": TransportMode.SEA, "inspection_place": InspectionPlace.PORT}
    return render(request, "declarations/form.html", {**_form_context(header, [], {}), "creating": True})


@login_required
def declaration_edit(request, pk):
    _declarant_required(request)
    declaration = selectors.declaration_get(user=request.user, pk=pk)
    if declaration.status != DeclarationStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("declarations:detail", pk=pk)
    if request.method == "POST":
        header, lines = _header_from_post(request.POST), _lines_from_post(request.POST)
        try:
            services.declaration_update(declaration=declaration, actor=request.user, lines=lines, **header)
        except ValidationError as exc:
            return render(request, "declarations/form.html",
                          {**_form_context(header, lines, exc.message_dict), "declaration": declaration},
                          status=400)
        messages.success(request, _("Draft saved."))
        return redirect("declarations:detail", pk=pk)
    return render(request, "declarations/form.html",
                  {**_form_context(_header_of(declaration), _lines_of(declaration), {}),
                   "declaration": declaration})


@login_required
def line_row(request):
    """One empty goods-line row for the draft form (fetched by htmx when the user adds a line)."""
    _declarant_required(request)
    try:
        index = int(request.GET.get("index", "0"))
    except ValueError:
        index = 0
    return render(request, "declarations/_line_row.html",
                  {"line": {"index": index, "values": {}, "errors": []}})


@login_required
def declaration_detail(request, pk):
    _reader_required(request)
    declaration = selectors.declaration_get_detail(user=request.user, pk=pk)
    roles = [r for r in (Role.DECLARANT, *BUREAU_ROLES) if has_role(request.user, r)]
    actions = transitions.actions_for(declaration.status, roles)
    duplicates = services.declaration_duplicates(declaration=declaration) \
        if declaration.status == DeclarationStatus.DRAFT else []
    return render(request, "declarations/detail.html", {
        "d": declaration, "actions": actions, "duplicates": duplicates,
        "instructions": selectors.declaration_instructions(user=request.user, declaration=declaration),
        "document_kinds": DocumentKind.choices, "bureau": is_bureau_user(request.user),
        "is_declarant": has_role(request.user, Role.DECLARANT),
        "required_documents": [DocumentKind(k).label for k in sorted(services.required_documents(declaration))]})


def _act(request, pk, fn, success, **kwargs):
    declaration = selectors.declaration_get(user=request.user, pk=pk)
    try:
        fn(declaration=declaration, actor=request.user, **kwargs)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("declarations:detail", pk=pk)


@login_required
@require_POST
def declaration_submit(request, pk):
    _declarant_required(request)
    from release.services import clearance_submit

    return _act(request, pk, clearance_submit, _("Declaration submitted."))


@login_required
@require_POST
def declaration_withdraw(request, pk):
    _declarant_required(request)
    return _act(request, pk, services.declaration_withdraw, _("Declaration withdrawn."),
                message=request.POST.get("message", ""))


@login_required
@require_POST
def declaration_answer(request, pk):
    _declarant_required(request)
    return _act(request, pk, services.declaration_answer, _("Your answer was sent."),
                message=request.POST.get("message", ""))


@login_required
@require_POST
def declaration_delete(request, pk):
    _declarant_required(request)
    declaration = selectors.declaration_get(user=request.user, pk=pk)
    try:
        services.declaration_delete(declaration=declaration, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("declarations:detail", pk=pk)
    messages.success(request, _("Draft deleted."))
    return redirect("declarations:list")


OFFICER_ACTIONS = {"request_documents": services.declaration_request_documents, "hold": services.declaration_hold,
                   "reject": services.declaration_reject}


@login_required
@require_POST
def declaration_officer_action(request, pk, action):
    if not is_bureau_user(request.user) or action not in OFFICER_ACTIONS:
        raise PermissionDenied
    kwargs = {"message": request.POST.get("message", "")}
    if action == "request_documents":
        kwargs["kinds"] = request.POST.getlist("kinds")
    return _act(request, pk, OFFICER_ACTIONS[action], _("Done."), **kwargs)


@login_required
@require_POST
def document_upload(request, pk):
    _declarant_required(request)
    return _act(request, pk, services.document_upload, _("Document uploaded."),
                kind=request.POST.get("kind", ""), file=request.FILES.get("file"))


@login_required
def document_download(request, pk, document_pk):
    _reader_required(request)
    document = selectors.document_get(user=request.user, pk=document_pk, declaration_pk=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                        content_type=document.content_type)


# --- bulk import --------------------------------------------------------------------------------------------

@login_required
def import_page(request):
    _declarant_required(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("File: this field is required."))
            return redirect("declarations:import")
        job = bulk.import_job_start(enterprise_id=user_enterprise_id(request.user), actor=request.user,
                                    file=upload, skip_invalid=bool(request.POST.get("skip_invalid")))
        return redirect("declarations:import_job", pk=job.pk)
    return render(request, "declarations/import.html", {"columns": bulk.COLUMNS})


@login_required
def import_job(request, pk):
    _declarant_required(request)
    job = selectors.import_job_get(user=request.user, pk=pk)
    if request.headers.get("HX-Request") or request.GET.get("format") == "json":
        if request.GET.get("format") == "json":
            return JsonResponse({"status": job.status, "total": job.total, "processed": job.processed,
                                 "imported": job.imported, "errors": job.errors})
        return render(request, "declarations/_import_progress.html", {"job": job})
    return render(request, "declarations/import_job.html", {"job": job})


@login_required
def import_template(request, fmt):
    _declarant_required(request)
    if fmt == "xlsx":
        response = HttpResponse(bulk.template_xlsx(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = 'attachment; filename="declarations-template.xlsx"'
        return response
    if fmt != "csv":
        raise Http404
    response = HttpResponse(bulk.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="declarations-template.csv"'
    return response
