"""Every read of declarations, scoped with ciq_portal.scoping (404 outside the user's scope)."""

import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Substr
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ciq_portal.agencies import is_agency_principal, principal_agency
from ciq_portal.roles import Role, has_role, is_bureau_user
from ciq_portal.scoping import get_in_scope, scope_queryset, user_enterprise_id
from ciq_portal.search import SearchHit
from credit.models import Enterprise
from credit.selectors import delegating_importers, delegations_in_force

from .choices import DeclarationStatus
from .clearance_facts import clearance_facts_annotations, clearance_facts_of_moved
from .filtersets import (
    DeclarationFilterSet,
    DocumentRequirementFilterSet,
    HSCodeFilterSet,
    LogisticsEventFilterSet,
    PortFilterSet,
    RegistrationFilterSet,
)
from .models import (
    Declaration,
    DeclarationEvent,
    Document,
    DocumentRequirement,
    GoodsLine,
    HSCode,
    HSEdition,
    ImportJob,
    LogisticsEvent,
    Port,
    Registration,
)
from .nomenclature import hs_category
from .services.registrations import regulated_goods_rules

LIST_FIELDS = ("id", "number", "status", "port_of_entry", "transport_mode", "bill_of_lading", "arrival_date",
               "departure_country", "release_mode", "created_at", "submitted_at", "released_at", "source",
               "enterprise_id", "enterprise__name_zh", "enterprise__name_en")


def _delegated(delegation, *, via: str) -> Q:
    """Declarations of the delegating importer that its broker filed and the delegation covers (port and every
    goods line's chapter). ``via``: the lookup from the scoped model to its declaration ("" or "declaration__")."""
    covered = Q(**{f"{via}enterprise_id": delegation.importer_id, f"{via}customs_broker_id": delegation.broker_id})
    if delegation.ports:
        covered &= Q(**{f"{via}port_of_entry__in": delegation.ports})
    if delegation.hs_chapters:
        outside = (GoodsLine.objects.filter(declaration=OuterRef(f"{via}pk")).annotate(chapter=Substr("hs_code", 1, 2))
                   .exclude(chapter__in=delegation.hs_chapters))
        covered &= ~Exists(outside)
    return covered


def declaration_scope(queryset, *, user, via: str = ""):
    """Rows of ``queryset`` (declarations, or rows of a declaration through ``via``) the user may see: the bureau
    all; a declarant their enterprise's, and, for a customs broker, what its delegations in force cover today (the
    delegations are read at each call, so a revocation or an expiry hides them at once)."""
    if is_bureau_user(user):
        return queryset
    enterprise_id = user_enterprise_id(user)
    if enterprise_id is None:
        return queryset.none()
    visible = Q(**{f"{via}enterprise_id": enterprise_id})
    for delegation in delegations_in_force(broker_id=enterprise_id):
        visible |= _delegated(delegation, via=via)
    return queryset.filter(visible)


def _get_in_scope(queryset, *, user, via: str = "", **lookup):
    try:
        return declaration_scope(queryset, user=user, via=via).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def filing_enterprise(*, user, enterprise_id=None) -> Enterprise:
    """The enterprise a declarant files a new declaration for: its own (``enterprise_id`` None or its own), or an
    importer whose delegation to the declarant's enterprise is in force (a ValidationError on ``enterprise``)."""
    own_id = user_enterprise_id(user)
    if enterprise_id in (None, "", own_id):
        return Enterprise.objects.get(pk=own_id)
    for importer in delegating_importers(user=user):
        if str(importer.pk) == str(enterprise_id):
            return importer
    raise ValidationError({"enterprise": [_("Importer: your enterprise holds no delegation in force from this "
                                            "importer (it expired, was revoked or was never granted).")]})


def _line_count():
    # A correlated subquery, evaluated only for the rows of the page (a join + GROUP BY would scan every row).
    lines = (GoodsLine.objects.filter(declaration=OuterRef("pk")).order_by().values("declaration")
             .annotate(n=Count("id")).values("n"))
    return Coalesce(Subquery(lines, output_field=IntegerField()), 0)


def declaration_list(*, user, filters=None):
    """The declarations a user may see, filtered by DeclarationFilterSet. Constant queries whatever the page size:
    the enterprise is joined, the line count is an annotation."""
    queryset = declaration_scope(Declaration.objects.all(), user=user)
    queryset = queryset.select_related("enterprise").only(*LIST_FIELDS).annotate(line_count=_line_count())
    queryset = queryset.order_by("-created_at", "-id")
    if filters is not None:
        queryset = DeclarationFilterSet(filters, queryset=queryset).qs
    return queryset


# ISO 6346: owner code, category letter, six digits and a check digit.
CONTAINER_NO = re.compile(r"^[A-Z]{4}\d{7}$")


def declaration_search(*, user, query: str, limit: int) -> list[SearchHit]:
    """Declarations by their number (or its beginning), bill of lading or container number, in the user's scope."""
    term = query.upper()
    match = Q(number__startswith=term) | Q(bill_of_lading__in={query, term})
    if CONTAINER_NO.match(term):
        # A JSON array's containment is PostgreSQL's; SQLite matches the array's text.
        match |= (Q(containers__contains=[term]) if connection.vendor == "postgresql"
                  else Q(containers__icontains=f'"{term}"'))
    queryset = (declaration_scope(Declaration.objects.all(), user=user).filter(match).select_related("enterprise")
                .only("number", "status", "bill_of_lading", "enterprise__name_zh", "enterprise__name_en")
                .order_by("-created_at", "-id"))
    return [SearchHit(title=declaration.number,
                      detail=" · ".join(filter(None, [str(declaration.enterprise), declaration.get_status_display(),
                                                      declaration.bill_of_lading])),
                      url=reverse("declarations:detail", args=[declaration.pk]))
            for declaration in queryset[:limit]]


class _Page(Page):
    def has_next(self):
        if self.paginator.exact:
            return super().has_next()
        return self._more


class KeysFirstPaginator(Paginator):
    """Pages of a list that carries per-row subqueries (the line count), in constant queries:

    - the page's keys are picked first (an index scan with LIMIT/OFFSET) and only those rows are read in full, in
      one query: ``... WHERE id IN (SELECT id ... ORDER BY ... LIMIT 25 OFFSET n)``. A plain OFFSET makes
      PostgreSQL evaluate the select list, subqueries included, for every skipped row (page 2000: 50,000 line
      counts, 150 ms);
    - the count stops at COUNT_CAP ("more than 10,000"): counting 100,000 matches of an HS code filter (an EXISTS
      semi-join over the goods lines) alone takes 60–120 ms on PostgreSQL. Past the cap, pages are still served
      ("next" is known from one extra key)."""
    COUNT_CAP = 10_000

    @cached_property
    def count(self):
        n = self.object_list.order_by().values("pk")[:self.COUNT_CAP + 1].count()
        self.exact = n <= self.COUNT_CAP
        return min(n, self.COUNT_CAP)

    def validate_number(self, number):
        if self.count and not self.exact:
            try:
                number = int(number)
            except (TypeError, ValueError):
                raise PageNotAnInteger(_("That page number is not an integer")) from None
            if number < 1:
                raise EmptyPage(_("That page number is less than 1"))
            return number
        return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:bottom + self.per_page + 1])
        if not keys and number > 1:
            raise EmptyPage(_("That page contains no results"))
        more, keys = len(keys) > self.per_page, keys[:self.per_page]
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys)}
        page = _Page([rows[key] for key in keys if key in rows], number, self)
        page._more = more
        return page

    def get_page(self, number):
        try:
            return super().get_page(number)
        except EmptyPage:  # past the end of an inexact count: the first page
            return self.page(1)


def declaration_page(queryset, number, *, per_page=25):
    """One page of ``declaration_list(...)`` (or a filtered copy): three queries whatever the page size or number
    (capped count, the page's keys, its rows with line counts and enterprise names)."""
    return KeysFirstPaginator(queryset, per_page).get_page(number)


def declaration_get(*, user, pk):
    return _get_in_scope(Declaration.objects.select_related("enterprise", "consignee", "consignor",
                                                            "customs_broker", "created_by"),
                         user=user, pk=pk)


def declaration_get_for_service(*, user, pk):
    """One declaration in the user's scope without its related rows: what a service is handed, which locks and
    reloads the row itself."""
    return _get_in_scope(Declaration.objects.all(), user=user, pk=pk)


def declaration_get_detail(*, user, pk):
    """One declaration with its lines, documents and the events the user may see (declarants: visible only)."""
    events = DeclarationEvent.objects.select_related("actor")
    if not is_bureau_user(user):
        events = events.filter(visible_to_declarant=True)
    queryset = Declaration.objects.select_related("enterprise", "consignee", "consignor", "customs_broker",
                                                  "created_by").prefetch_related(
        Prefetch("lines", queryset=GoodsLine.objects.order_by("line_no")),
        Prefetch("documents", queryset=Document.objects.select_related("uploaded_by")),
        Prefetch("events", queryset=events, to_attr="visible_events"))
    return _get_in_scope(queryset, user=user, pk=pk)


def declaration_get_representation(*, user, pk):
    """One declaration as the API represents it: lines, documents, and the facts the clearance pipeline's owner
    keeps for it (``clearance_facts``)."""
    queryset = Declaration.objects.annotate(**clearance_facts_annotations()).prefetch_related(
        Prefetch("lines", queryset=GoodsLine.objects.order_by("line_no")), "documents")
    return _get_in_scope(queryset, user=user, pk=pk)


def declaration_representation_of(declaration):
    """What declaration_get_representation reads, for a declaration the clearance pipeline has just moved in this
    request, without reading it back (the pipeline's lock loaded its lines; only the documents are read, by the
    serializer)."""
    for field, value in clearance_facts_of_moved(declaration).items():
        setattr(declaration, field, value)
    return declaration


def declaration_events(*, user, declaration):
    events = declaration.events.select_related("actor")
    if not is_bureau_user(user):
        events = events.filter(visible_to_declarant=True)
    return events


def declaration_instructions(*, user, declaration) -> list:
    """What the declarant must do next: the open officer request (awaiting documents), hold messages."""
    kinds = {DeclarationStatus.AWAITING_DOCUMENTS: "request_documents", DeclarationStatus.ON_HOLD: "hold"}
    kind = kinds.get(declaration.status)
    if not kind:
        return []
    event = declaration_events(user=user, declaration=declaration).filter(kind=kind).order_by("-occurred_at",
                                                                                              "-id").first()
    return [event] if event else []


def goods_line_get(*, user, declaration_pk, pk):
    return _get_in_scope(GoodsLine.objects.select_related("declaration"), user=user, via="declaration__",
                         declaration_id=declaration_pk, pk=pk)


def document_get(*, user, pk, declaration_pk=None):
    lookup = {"pk": pk}
    if declaration_pk is not None:
        lookup["declaration_id"] = declaration_pk
    return _get_in_scope(Document.objects.select_related("declaration"), user=user, via="declaration__", **lookup)


def import_job_get(*, user, pk):
    return get_in_scope(ImportJob.objects.all(), user=user, pk=pk)


def registration_list(*, user, filters=None):
    """Declarants: their own enterprise's filings and registrations; bureau staff and partner agencies: all."""
    queryset = Registration.objects.select_related("enterprise").order_by("-created_at", "-id")
    if not (has_role(user, Role.PARTNER_AGENCY) and not has_role(user, Role.DECLARANT)):
        queryset = scope_queryset(queryset, user=user)
    if filters is not None:
        queryset = RegistrationFilterSet(filters, queryset=queryset).qs
    return queryset


def registration_get(*, user, pk):
    try:
        return registration_list(user=user).get(pk=pk)
    except Registration.DoesNotExist as exc:
        raise Http404 from exc


def logistics_event_list(*, user, filters=None):
    """Logistics events a user may see: bureau staff all; an agency the events it pushed; a declarant those of
    its enterprise's declarations."""
    queryset = LogisticsEvent.objects.select_related("agency").prefetch_related("declarations")
    if is_bureau_user(user):
        pass
    elif is_agency_principal(user):
        agency = principal_agency(user)
        queryset = queryset.filter(agency=agency) if agency is not None else queryset.none()
    else:
        enterprise_id = user_enterprise_id(user)
        queryset = (queryset.filter(declarations__enterprise_id=enterprise_id).distinct()
                    if enterprise_id is not None else queryset.none())
    queryset = queryset.order_by("-occurred_at", "-id")
    if filters is not None:
        queryset = LogisticsEventFilterSet(filters, queryset=queryset).qs
    return queryset


def logistics_event_get(*, user, pk):
    try:
        return logistics_event_list(user=user).get(pk=pk)
    except (LogisticsEvent.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


# --- The bureau's reference tables ---------------------------------------------------------------------------


def _require_bureau(user) -> None:
    if not is_bureau_user(user):
        raise PermissionDenied


def document_requirement_list(*, user, filters=None):
    _require_bureau(user)
    return DocumentRequirementFilterSet(filters or {}, queryset=DocumentRequirement.objects.order_by(
        "category", "hs_prefix", "kind", "id")).qs


def document_requirement_get(*, user, pk) -> DocumentRequirement:
    try:
        return document_requirement_list(user=user).get(pk=pk)
    except DocumentRequirement.DoesNotExist as exc:
        raise Http404 from exc


def hs_code_list(*, user, filters=None):
    _require_bureau(user)
    return HSCodeFilterSet(filters or {}, queryset=HSCode.objects.order_by("code")).qs


def hs_code_get(*, user, code) -> HSCode:
    try:
        return hs_code_list(user=user).get(pk=code)
    except HSCode.DoesNotExist as exc:
        raise Http404 from exc


def hs_edition_list(*, user):
    _require_bureau(user)
    return HSEdition.objects.select_related("imported_by").order_by("-effective_from", "-id")


def port_list(*, user, filters=None):
    _require_bureau(user)
    return PortFilterSet(filters or {}, queryset=Port.objects.order_by("code")).qs


def port_get(*, user, code) -> Port:
    try:
        return port_list(user=user).get(pk=code)
    except Port.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class ManufacturerCheck:
    """What a goods line's manufacturer is to the declarant's enterprise (the as-you-type answer):
    ``registered`` (in force, covering the line's goods), ``out_of_scope`` (in force, not for these goods),
    ``not_in_force`` (pending, refused, suspended or out of its dates) or ``unknown``; ``needed``: the line's goods
    may be submitted only with a registered manufacturer."""

    state: str
    registration: Registration | None
    needed: bool


def manufacturer_choices(*, user) -> list[Registration]:
    """The overseas manufacturers registered for the user's own enterprise and in force today, by name."""
    today = timezone.localdate()
    return list(Registration.objects.filter(
        enterprise_id=user_enterprise_id(user), kind="manufacturer_registration", status="approved",
        valid_from__lte=today, valid_until__gte=today).order_by("manufacturer_name"))


def manufacturer_check(*, user, name: str, hs_code: str = "") -> ManufacturerCheck | None:
    """The answer for ``name`` typed on a goods line of HS code ``hs_code`` (None for nothing typed). Only the
    user's own enterprise's registrations count: another enterprise's registration is ``unknown``."""
    if not (name or "").strip():
        return None
    today = timezone.localdate()
    code = (hs_code or "").strip().replace(".", "")
    needed = any(rule.needs_manufacturer_registration for rule in regulated_goods_rules(code))
    category = hs_category(code)
    mine = [r for r in Registration.objects.filter(enterprise_id=user_enterprise_id(user),
                                                   kind="manufacturer_registration").order_by("-valid_until")
            if r.names_manufacturer(name)]
    in_force = [r for r in mine if r.in_force(today)]
    covering = [r for r in in_force if r.covers(category)]
    if covering:
        return ManufacturerCheck("registered", covering[0], needed)
    if in_force:
        return ManufacturerCheck("out_of_scope", in_force[0], needed)
    if mine:
        return ManufacturerCheck("not_in_force", mine[0], needed)
    return ManufacturerCheck("unknown", None, needed)
