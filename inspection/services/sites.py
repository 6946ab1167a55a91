"""Inspection sites and the routing of goods to a site able to take them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from declarations.nomenclature import hs_category

from .. import routing
from ..choices import TaskStatus
from ..models import InspectionSite


@transaction.atomic
def site_create(*, code, name, kind, port, capacity_per_day, name_en="", actor=None) -> InspectionSite:
    if capacity_per_day is None or int(capacity_per_day) < 1:
        raise ValidationError({"capacity_per_day": [_("Capacity must be at least one inspection a day.")]})
    site = InspectionSite.objects.create(code=code, name=name, name_en=name_en, kind=kind, port=port,
                                         capacity_per_day=capacity_per_day)
    audit_record(actor=actor, action="inspection_site.create", obj=site,
                 after={"code": code, "kind": kind, "port": port, "capacity_per_day": capacity_per_day})
    return site


def site_route(*, category: str, port: str, day: date) -> InspectionSite | None:
    """The site for goods of ``category`` at ``port`` on ``day``: a site of a kind able to take them, with room
    left that day, least used first; a full site is used only when every suitable site is full."""
    kinds = routing.site_kinds_for(category)
    sites = list(InspectionSite.objects.filter(active=True, kind__in=kinds)
                 .filter(Q(port=port) | Q(port="")).annotate(
                     used=Count("tasks", filter=Q(tasks__scheduled_for=day) & ~Q(tasks__status=TaskStatus.CANCELLED))))
    if not sites:
        return None
    sites.sort(key=lambda s: (kinds.index(s.kind), s.used >= s.capacity_per_day, s.used / s.capacity_per_day, s.code))
    return sites[0]


def declaration_category(declaration) -> str:
    categories = {hs_category(line.hs_code) for line in declaration.lines.all()} - {""}
    return routing.main_category(categories)
