"""The declarant's and officer's pages of a declaration: the list, the form, the page and its steps, documents. Thin:
they parse input and call services and selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import BUREAU_ROLES, Role, has_role, is_bureau_user
from ciq_portal.scoping import user_enterprise_id
from ciq_portal.stored_files import download_name
from credit.selectors import delegating_importers

from .. import selectors, services, transitions
from ..choices import DeclarationStatus, DocumentKind
from ..filtersets import DeclarationFilterSet
from ..forms import (
    MANUFACTURER_LIST,
    AnswerForm,
    DeclarationHeaderForm,
    DocumentUploadForm,
    MessageForm,
    RequestDocumentsForm,
    document_formset,
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


def _form_page(request, header_form, formset, *, declaration=None, documents=None, status=200):
    line_forms = []
    for index, form in enumerate(formset.forms):
        form.index = index
        # Rows the user removed or left blank are not shown again after a failed save.
        if not (form.is_bound and not form.errors and form.is_blank()):
            line_forms.append(form)
    if not line_forms and formset.forms:
        line_forms = formset.forms[:1]
    documents = documents or document_formset()
    for index, form in enumerate(documents.forms):
        form.index = index
    has_errors = bool(header_form.errors or formset.non_form_errors() or any(f.errors for f in formset.forms)
                      or any(f.errors for f in documents.forms))
    return render(request, "declarations/form.html", {
        "form": header_form, "formset": formset, "line_forms": line_forms, "declaration": declaration,
        "documents": documents, "creating": declaration is None, "has_errors": has_errors,
        "manufacturers": selectors.manufacturer_choices(user=request.user), "manufacturer_list": MANUFACTURER_LIST},
        status=status)


def _header_form(request, declaration=None, **kwargs):
    """The header form; a customs broker's declarant chooses the importer it files for when creating a draft."""
    importers = delegating_importers(user=request.user) if declaration is None else ()
    return DeclarationHeaderForm(importers=importers, own_enterprise_id=user_enterprise_id(request.user), **kwargs)


def draft_save(request, declaration=None, *, submitting=False):
    """Parse the header form, the goods-line and document formsets, call the service, map its errors back onto the
    fields. Returns the saved draft, or the form page with the errors (400). Release's "Submit" on the form calls
    it ``submitting``: a refused form then also names what submission would need (one round of corrections)."""
    header_form, formset = _header_form(request, declaration, data=request.POST), line_formset(request.POST)
    documents = document_formset(request.POST, request.FILES)
    if not (header_form.is_valid() and formset.is_valid() and documents.is_valid()):
        return None, _refused_form_page(request, header_form, formset, documents, declaration, submitting)
    lines, used_forms = formset.lines()
    attached, document_forms = documents.documents()
    try:
        if declaration is None:
            enterprise = selectors.filing_enterprise(user=request.user,
                                                     enterprise_id=header_form.cleaned_data.get("enterprise"))
            declaration = services.declaration_create(enterprise=enterprise, actor=request.user, lines=lines,
                                                      documents=attached, **header_form.service_kwargs())
        else:
            services.declaration_update(declaration=declaration, actor=request.user, lines=lines,
                                        documents=attached, **header_form.service_kwargs())
    except ValidationError as exc:
        others = {}
        for key, messages_ in exc.message_dict.items():
            if key.startswith("documents."):
                _prefix, index, name = key.split(".", 2)
                for message in messages_:
                    document_forms[int(index)].add_error(name, message)
            else:
                others[key] = messages_
        if others:
            errors_to_forms(ValidationError(others), header_form, line_forms=used_forms)
        return None, _refused_form_page(request, header_form, formset, documents, declaration, submitting)
    return declaration, None


def _refused_form_page(request, header_form, formset, documents, declaration, submitting):
    """The form again with every error at once. A browser cannot be given back the files it sent: each row that
    had one says so, with the file's name, so that the user picks it again."""
    _add_rule_errors(header_form, formset, draft=not submitting)
    for form in documents.forms:
        sent = form.files.get(form.add_prefix("file"))
        if sent and not form.has_error("file"):
            form.add_error("file", _("Choose “%(name)s” again: files are not kept when the form has errors.")
                           % {"name": sent.name})
    return _form_page(request, header_form, formset, declaration=declaration, documents=documents, status=400)


def _parsed_or_typed(form) -> dict:
    """The form's values: parsed where they parsed, as typed where they did not (the checks name those too)."""
    return {name: form.cleaned_data[name] if name in form.cleaned_data else form.data.get(form.add_prefix(name), "")
            for name in form.fields}


def _add_rule_errors(header_form, formset, *, draft=True) -> None:
    """A value a form could not parse ("abc" as a quantity) must not hide the others' errors: the draft's checks
    run on the rest, and their messages join the forms' in the same answer (one round of corrections). A field
    the form already refused keeps its own message."""
    line_forms = [form for form in formset.forms if form.errors or not form.is_blank()]
    errors = services.declaration_draft_errors(header=_parsed_or_typed(header_form),
                                               lines=[_parsed_or_typed(form) for form in line_forms], draft=draft)
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
        declaration, page = draft_save(request)
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
        _saved, page = draft_save(request, declaration)
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
