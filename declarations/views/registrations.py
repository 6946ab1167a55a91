"""Registrations and filings of regulated goods: the declarant's applications and the bureau's decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import BUREAU_ROLES, Role, has_role, is_bureau_user
from ciq_portal.scoping import user_enterprise_id
from ciq_portal.stored_files import download_name
from credit.models import Enterprise

from .. import selectors, services
from ..choices import CommodityCategory
from ..filtersets import RegistrationFilterSet
from ..forms import (
    RegistrationApplyForm,
    RegistrationDecideForm,
    RegistrationDocumentForm,
)
from .declarations import PAGE_SIZE, declarant_required

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


def _typed(request, name: str) -> str:
    """The value htmx sent for field ``name``, whatever the form's prefix (``lines-3-hs_code``)."""
    for key, value in request.GET.items():
        if key == name or key.endswith(f"-{name}"):
            return value.strip()
    return ""


@login_required
def manufacturer_check(request):
    """A goods line's manufacturer checked as the declarant types it (htmx): is it registered for the enterprise,
    and do the line's goods need it to be. The answer goes under the field."""
    declarant_required(request)
    answer = selectors.manufacturer_check(user=request.user, name=_typed(request, "manufacturer_name"),
                                          hs_code=_typed(request, "hs_code"))
    return render(request, "declarations/_manufacturer_check.html", {"answer": answer})
