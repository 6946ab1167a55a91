"""The declarant's and officer's browser pages: thin, they parse input and call services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.i18n import message_for_reader
from ciq_portal.roles import BUREAU_ROLES, Role, has_role, is_bureau_user
from ciq_portal.scoping import user_enterprise_id
from ciq_portal.stored_files import download_name
from credit.models import Enterprise
from credit.selectors import delegating_importers

from . import bulk, selectors, services, transitions
from .choices import CommodityCategory, DeclarationStatus, DocumentKind
from .filtersets import DeclarationFilterSet, RegistrationFilterSet
from .forms import (
    AnswerForm,
    DeclarationHeaderForm,
    DocumentUploadForm,
    ImportForm,
    MessageForm,
    RegistrationApplyForm,
    RegistrationDecideForm,
    RegistrationDocumentForm,
    RequestDocumentsForm,
    line_formset,
    line_initial,
)

PAGE_SIZE = 25
# Filters folded under "More filters" on the list page (number, HS code, status and sort stay in view).
ADVANCED_FILTERS = ("port", "bill_of_lading", "release_mode", "created_after", "created_before", "arrival_after",
                    "arrival_before")


def declarant_required(request):
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
    page = selectors.declaration_page(queryset, request.GET.get("page"), per_page=PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    selected = set(request.GET.getlist("status"))
    return render(request, "declarations/list.html", {
        "filter": filterset, "page": page, "query": query.urlencode(), "bureau": is_bureau_user(request.user),
        "can_create": has_role(request.user, Role.DECLARANT), "advanced_fields": ADVANCED_FILTERS,
        "advanced_active": sum(1 for name in ADVANCED_FILTERS if request.GET.get(name)),
        "selected_statuses": [label for value, label in DeclarationStatus.choices if value in selected]})


def _form_page(request, header_form, formset, *, declaration=None, status=200):
    line_forms = []
    for index, form in enumerate(formset.forms):
        form.index = index
        # Rows the user removed or left blank are not shown again after a failed save.
        if not (form.is_bound and not form.errors and form.is_blank()):
            line_forms.append(form)
    if not line_forms and formset.forms:
        line_forms = formset.forms[:1]
    has_errors = bool(header_form.errors or formset.non_form_errors() or any(f.errors for f in formset.forms))
    return render(request, "declarations/form.html", {
        "form": header_form, "formset": formset, "line_forms": line_forms, "declaration": declaration,
        "creating": declaration is None, "has_errors": has_errors}, status=status)


def _header_form(request, declaration=None, **kwargs):
    """The header form; a customs broker's declarant chooses the importer it files for when creating a draft."""
    importers = delegating_importers(user=request.user) if declaration is None else ()
    return DeclarationHeaderForm(importers=importers, own_enterprise_id=user_enterprise_id(request.user), **kwargs)


def _save_draft(request, declaration=None):
    """Parse the header form and the goods-line formset, call the service, map its errors back onto the fields."""
    header_form, formset = _header_form(request, declaration, data=request.POST), line_formset(request.POST)
    if not (header_form.is_valid() and formset.is_valid()):
        _add_rule_errors(header_form, formset)
        return None, _form_page(request, header_form, formset, declaration=declaration, status=400)
    lines, used_forms = formset.lines()
    try:
        if declaration is None:
            enterprise = selectors.filing_enterprise(user=request.user,
                                                     enterprise_id=header_form.cleaned_data.get("enterprise"))
            declaration = services.declaration_create(enterprise=enterprise, actor=request.user, lines=lines,
                                                      **header_form.service_kwargs())
        else:
            services.declaration_update(declaration=declaration, actor=request.user, lines=lines,
                                        **header_form.service_kwargs())
    except ValidationError as exc:
        errors_to_forms(exc, header_form, line_forms=used_forms)
        return None, _form_page(request, header_form, formset, declaration=declaration, status=400)
    return declaration, None


def _parsed_or_typed(form) -> dict:
    """The form's values: parsed where they parsed, as typed where they did not (the checks name those too)."""
    return {name: form.cleaned_data[name] if name in form.cleaned_data else form.data.get(form.add_prefix(name), "")
            for name in form.fields}


def _add_rule_errors(header_form, formset) -> None:
    """A value a form could not parse ("abc" as a quantity) must not hide the others' errors: the draft's checks
    run on the rest, and their messages join the forms' in the same answer (one round of corrections). A field
    the form already refused keeps its own message."""
    line_forms = [form for form in formset.forms if form.errors or not form.is_blank()]
    errors = services.declaration_draft_errors(header=_parsed_or_typed(header_form),
                                               lines=[_parsed_or_typed(form) for form in line_forms])
    fresh = {}
    for key, messages_ in errors.items():
        form, name = header_form, key
        if key.startswith("lines."):
            _prefix, index, name = key.split(".", 2)
            form = line_forms[int(index)]
        if name not in form.errors:
            fresh[key] = messages_
    if fresh:
        errors_to_forms(ValidationError(fresh), header_form, line_forms=line_forms)


@login_required
def declaration_create(request):
    declarant_required(request)
    if request.method == "POST":
        declaration, page = _save_draft(request)
        if page is not None:
            return page
        messages.success(request, _("Draft %(number)s saved.") % {"number": declaration.number})
        return redirect("declarations:detail", pk=declaration.pk)
    return _form_page(request, _header_form(request, initial=DeclarationHeaderForm.initial_for()),
                      line_formset(initial=line_initial()))


@login_required
def declaration_edit(request, pk):
    declarant_required(request)
    declaration = selectors.declaration_get(user=request.user, pk=pk)
    if declaration.status != DeclarationStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("declarations:detail", pk=pk)
    if request.method == "POST":
        _saved, page = _save_draft(request, declaration)
        if page is not None:
            return page
        messages.success(request, _("Draft saved."))
        return redirect("declarations:detail", pk=pk)
    return _form_page(request, DeclarationHeaderForm(initial=DeclarationHeaderForm.initial_for(declaration)),
                      line_formset(initial=line_initial(declaration)), declaration=declaration)


def _detail_page(request, pk, *, status=200, slot_context=None, **forms):
    """The declaration page; ``forms`` are bound action forms carrying errors (shown next to their fields),
    ``slot_context`` what an app above hands its slots on this page (its own bound forms)."""
    declaration = selectors.declaration_get_detail(user=request.user, pk=pk)
    roles = [r for r in (Role.DECLARANT, *BUREAU_ROLES) if has_role(request.user, r)]
    actions = transitions.actions_for(declaration.status, roles)
    duplicates = services.declaration_duplicates(declaration=declaration) \
        if declaration.status == DeclarationStatus.DRAFT else []
    officer_forms = [(name, forms.get(name) or (RequestDocumentsForm(prefix=name) if name == "request_documents"
                                                else MessageForm(prefix=name)))
                     for name in OFFICER_ACTIONS if name in actions]
    return render(request, "declarations/detail.html", {
        "d": declaration, "actions": actions, "duplicates": duplicates,
        "instructions": selectors.declaration_instructions(user=request.user, declaration=declaration),
        "bureau": is_bureau_user(request.user), "is_declarant": has_role(request.user, Role.DECLARANT),
        "upload_form": forms.get("upload") or DocumentUploadForm(),
        "answer_form": forms.get("answer") or AnswerForm(prefix="answer"),
        "withdraw_form": forms.get("withdraw") or MessageForm(prefix="withdraw"),
        "officer_forms": officer_forms,
        "required_documents": [DocumentKind(k).label for k in sorted(services.required_documents(declaration))],
        **(slot_context or {})},
        status=status)


@login_required
def declaration_detail(request, pk):
    _reader_required(request)
    return _detail_page(request, pk)


def _act(request, pk, fn, success, *, form, form_key, **extra):
    """Call a lifecycle service with the parsed form; on a ValidationError show the page again with the messages
    next to the form's fields (400); on success redirect to the page (POST/redirect/GET)."""
    declaration = selectors.declaration_get(user=request.user, pk=pk)
    if form.is_valid():
        try:
            fn(declaration=declaration, actor=request.user, **form.cleaned_data, **extra)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, success)
            return redirect("declarations:detail", pk=pk)
    return _detail_page(request, pk, status=400, **{form_key: form})


def submission_refused(request, declaration, exc: ValidationError):
    """The answer to a submission the checks refused (the clearance pipeline's submit, release's view, calls it):
    the check names header fields and goods lines, so a draft is shown on its form with the fields marked (400);
    any other refusal is a message on the declaration's page."""
    if declaration.status == DeclarationStatus.DRAFT:
        header_form = DeclarationHeaderForm(initial=DeclarationHeaderForm.initial_for(declaration))
        formset = line_formset(initial=line_initial(declaration))
        _bind_for_errors(header_form, *formset.forms)
        errors_to_forms(exc, header_form, line_forms=formset.forms)
        messages.error(request, _("The declaration cannot be submitted yet: correct what is marked below."))
        return _form_page(request, header_form, formset, declaration=declaration, status=400)
    for message in exc.messages:
        messages.error(request, message)
    return redirect("declarations:detail", pk=declaration.pk)


def step_refused(request, declaration, slot_context: dict):
    """The declaration's page answering a step an app above took in one of its slots and the service refused
    (release's test report): that app's bound forms, with their errors, go back into its slot (400)."""
    return _detail_page(request, declaration.pk, status=400, slot_context=slot_context)


def _bind_for_errors(*forms):
    """Bind unbound forms to their initial values so that the service's errors can be added to their fields."""
    for form in forms:
        form.is_bound = True
        form.data = {form.add_prefix(name): ("" if value is None else value)
                     for name, value in {**form.initial}.items()}
        form.full_clean()


@login_required
@require_POST
def declaration_withdraw(request, pk):
    declarant_required(request)
    return _act(request, pk, services.declaration_withdraw, _("Declaration withdrawn."),
                form=MessageForm(request.POST, prefix="withdraw") if "withdraw-message" in request.POST
                else MessageForm(request.POST), form_key="withdraw")


@login_required
@require_POST
def declaration_answer(request, pk):
    declarant_required(request)
    return _act(request, pk, services.declaration_answer, _("Your answer was sent."),
                form=AnswerForm(request.POST, prefix="answer") if "answer-message" in request.POST
                else AnswerForm(request.POST), form_key="answer")


@login_required
@require_POST
def declaration_delete(request, pk):
    declarant_required(request)
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
OFFICER_SUCCESS = {"request_documents": gettext_lazy("The declarant was asked for documents."),
                   "hold": gettext_lazy("The declaration is on hold."),
                   "reject": gettext_lazy("The declaration was rejected.")}


@login_required
@require_POST
def declaration_officer_action(request, pk, action):
    if not is_bureau_user(request.user) or action not in OFFICER_ACTIONS:
        raise PermissionDenied
    form_class = RequestDocumentsForm if action == "request_documents" else MessageForm
    form = form_class(request.POST, prefix=action) if f"{action}-message" in request.POST else form_class(request.POST)
    return _act(request, pk, OFFICER_ACTIONS[action], OFFICER_SUCCESS[action], form=form, form_key=action)


@login_required
@require_POST
def document_upload(request, pk):
    declarant_required(request)
    return _act(request, pk, services.document_upload, _("Document uploaded."),
                form=DocumentUploadForm(request.POST, request.FILES), form_key="upload")


@login_required
def document_download(request, pk, document_pk):
    _reader_required(request)
    document = selectors.document_get(user=request.user, pk=document_pk, declaration_pk=pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, content_type=document.content_type,
                        filename=download_name(document.original_name, document.content_type))


# --- bulk import --------------------------------------------------------------------------------------------

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


# --- registrations and filings (§4.4) -------------------------------------------------------------------------

REGISTRATION_DECIDERS = (Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
REGISTRATION_SUCCESS = {"approve": gettext_lazy("Approved."), "refuse": gettext_lazy("Refused."),
                        "suspend": gettext_lazy("Suspended.")}


def _registration_reader_required(request):
    if not has_role(request.user, Role.DECLARANT, *BUREAU_ROLES) or (
            has_role(request.user, Role.DECLARANT) and not is_bureau_user(request.user)
            and user_enterprise_id(request.user) is None):
        raise PermissionDenied


@login_required
def registration_list(request):
    """Declarants: their enterprise's filings and registrations and a link to apply; officers: every application,
    pending first by default."""
    _registration_reader_required(request)
    bureau = is_bureau_user(request.user)
    params = request.GET.copy()
    if bureau and "status" not in params:
        params["status"] = "pending"
    filterset = RegistrationFilterSet(params, queryset=selectors.registration_list(user=request.user))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "declarations/registrations.html", {
        "filter": filterset, "page_obj": page, "bureau": bureau,
        "can_apply": has_role(request.user, Role.DECLARANT) and user_enterprise_id(request.user) is not None})


@login_required
def registration_apply(request):
    declarant_required(request)
    form = RegistrationApplyForm(request.POST if request.method == "POST" else None,
                                 request.FILES if request.method == "POST" else None,
                                 categories=CommodityCategory.choices,
                                 initial={"kind": "importer_filing", "valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        document = data.pop("file", None)
        try:
            with transaction.atomic():  # the application and its first document, or neither
                enterprise = Enterprise.objects.get(pk=user_enterprise_id(request.user))
                registration = services.registration_apply(enterprise=enterprise, actor=request.user, **data)
                if document:
                    services.registration_document_upload(registration=registration, file=document,
                                                          actor=request.user)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Your application was filed; the bureau will decide on it."))
            return redirect("declarations:registration_detail", pk=registration.pk)
    return render(request, "declarations/registration_form.html", {"form": form},
                  status=400 if form.errors else 200)


def _registration_page(request, registration, *, form=None, failed_move="", document_form=None, status=200):
    can_decide = has_role(request.user, *REGISTRATION_DECIDERS)
    can_upload = (has_role(request.user, Role.DECLARANT) and registration.status != "refused"
                  and user_enterprise_id(request.user) == registration.enterprise_id)
    moves = [name for name, (sources, _target) in services.REGISTRATION_MOVES.items()
             if registration.status in sources] if can_decide else []
    return render(request, "declarations/registration_detail.html", {
        "r": registration, "moves": moves, "decide_form": form or RegistrationDecideForm(), "failed_move": failed_move,
        "documents": registration.documents.select_related("uploaded_by"), "can_upload": can_upload,
        "document_form": document_form or RegistrationDocumentForm(),
        "bureau": is_bureau_user(request.user)}, status=status)


@login_required
def registration_detail(request, pk):
    _registration_reader_required(request)
    return _registration_page(request, selectors.registration_get(user=request.user, pk=pk))


@login_required
@require_POST
def registration_decide(request, pk, action):
    if not has_role(request.user, *REGISTRATION_DECIDERS) or action not in services.REGISTRATION_MOVES:
        raise PermissionDenied
    registration = selectors.registration_get(user=request.user, pk=pk)
    form = RegistrationDecideForm(request.POST)
    if form.is_valid():
        try:
            services.registration_decide(registration=registration, action=action, actor=request.user,
                                         **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, REGISTRATION_SUCCESS[action])
            return redirect("declarations:registration_detail", pk=pk)
    return _registration_page(request, registration, form=form, failed_move=action, status=400)


@login_required
@require_POST
def registration_document_upload(request, pk):
    declarant_required(request)
    registration = selectors.registration_get(user=request.user, pk=pk)
    form = RegistrationDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.registration_document_upload(registration=registration, actor=request.user,
                                                  **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Document uploaded."))
            return redirect("declarations:registration_detail", pk=pk)
    return _registration_page(request, registration, document_form=form, status=400)


@login_required
def registration_document_download(request, pk, document_pk):
    _registration_reader_required(request)
    registration = selectors.registration_get(user=request.user, pk=pk)
    document = get_object_or_404(registration.documents, pk=document_pk)
    return FileResponse(document.file.open("rb"), as_attachment=True, content_type=document.content_type,
                        filename=download_name(document.original_name, document.content_type))
