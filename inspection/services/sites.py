"""Inspection sites (what each can take, its capacity and hours, its closures) and the routing of goods to a site
able to take them: dangerous goods by the UN number and class their lines declare."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role, has_role
from declarations.choices import dangerous_goods_main_class
from declarations.nomenclature import hs_category

from .. import routing, transitions
from ..choices import SiteCapability, SiteDangerousGoodsClass, SiteKind, TaskStatus
from ..models import InspectionSite, InspectionTask, OfficerProfile, SiteClosure, TaskNote, TaskNoteKind
from ._common import _event, _task_snapshot

SITE_FIELDS = ("code", "name", "name_en", "kind", "port", "capacity_per_day", "capabilities", "dg_classes",
               "opens_at", "closes_at", "active")


def _require(actor, *roles) -> None:
    if not has_role(actor, *roles):
        raise PermissionDenied(_("Your role may not change inspection sites."))


def _site_snapshot(site: InspectionSite) -> dict:
    return {name: getattr(site, name) for name in SITE_FIELDS}


def _site_clean(data: dict, *, site: InspectionSite | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(data)
    for name in ("code", "name", "name_en", "port"):
        out[name] = str(out.get(name) or "").strip()
    out["code"] = out["code"].upper()
    out["port"] = out["port"].upper()
    for name in ("code", "name"):
        if not out[name]:
            errors[name] = [_("This field is required.")]
    if out["code"] and InspectionSite.objects.filter(code=out["code"]).exclude(pk=getattr(site, "pk", None)).exists():
        errors["code"] = [_("Another site has this code.")]
    if out.get("kind") not in SiteKind.values:
        errors["kind"] = [_("Choose a kind of site.")]
    try:
        capacity = int(out.get("capacity_per_day"))
    except (TypeError, ValueError):
        capacity = 0
    if capacity < 1:
        errors["capacity_per_day"] = [_("Capacity must be at least one inspection a day.")]
    out["capacity_per_day"] = capacity
    out["capabilities"] = sorted(set(out.get("capabilities") or ()))
    if set(out["capabilities"]) - set(SiteCapability.values):
        errors["capabilities"] = [_("Choose capabilities from the list.")]
    out["dg_classes"] = sorted(set(out.get("dg_classes") or ()))
    if set(out["dg_classes"]) - set(SiteDangerousGoodsClass.values):
        errors["dg_classes"] = [_("Choose hazard classes from the list.")]
    elif out["dg_classes"] and SiteCapability.DANGEROUS_GOODS not in out["capabilities"] \
            and out.get("kind") != SiteKind.DANGEROUS_GOODS:
        errors["dg_classes"] = [_("Hazard classes are for a site able to take dangerous goods.")]
    opens, closes = out.get("opens_at"), out.get("closes_at")
    if (opens is None) != (closes is None):
        errors["closes_at"] = [_("Give both the opening and the closing time, or neither.")]
    elif opens is not None and closes <= opens:
        errors["closes_at"] = [_("The site closes after it opens.")]
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def site_create(*, code, name, kind, port, capacity_per_day, name_en="", capabilities=(), dg_classes=(),
                opens_at=None, closes_at=None, actor=None) -> InspectionSite:
    """Register a site (bureau administrators; the demo and migrations call it without an actor)."""
    if actor is not None:
        _require(actor, Role.ADMINISTRATOR)
    data = _site_clean({"code": code, "name": name, "name_en": name_en, "kind": kind, "port": port,
                        "capacity_per_day": capacity_per_day, "capabilities": capabilities,
                        "dg_classes": dg_classes, "opens_at": opens_at, "closes_at": closes_at})
    site = InspectionSite.objects.create(**data)
    audit_record(actor=actor, action="inspection_site.create", obj=site, after=_site_snapshot(site))
    return site


@transaction.atomic
def site_update(*, site, actor, **fields) -> InspectionSite:
    """Change a site. It is taken out of service (active off) only with no open task: close it for a period
    first, which re-routes them."""
    _require(actor, Role.ADMINISTRATOR)
    site = InspectionSite.objects.select_for_update().get(pk=site.pk)
    before = _site_snapshot(site)
    data = _site_clean({**before, **{k: v for k, v in fields.items() if k in SITE_FIELDS}}, site=site)
    if before["active"] and not data["active"] and site.tasks.filter(status__in=transitions.OPEN_STATUSES).exists():
        raise ValidationError({"active": [_("The site has open tasks: close it for a period first, which "
                                            "re-routes them to another site.")]})
    for name, value in data.items():
        setattr(site, name, value)
    site.save()
    audit_record(actor=actor, action="inspection_site.update", obj=site, before=before, after=_site_snapshot(site))
    return site


@transaction.atomic
def site_close(*, site, actor, first_day: date, last_day: date, reason: str) -> SiteClosure:
    """Close a site from ``first_day`` to ``last_day``: nothing is routed to it then, and its open tasks due in
    the period (or overdue, when it closes today) go to another site able to take them, on the same day. Refused,
    naming the tasks, when no other site can take one of them."""
    _require(actor, Role.ADMINISTRATOR, Role.SUPERVISOR)
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason.")]
    if first_day is None:
        errors["first_day"] = [_("This field is required.")]
    if last_day is None:
        errors["last_day"] = [_("This field is required.")]
    elif first_day is not None and last_day < first_day:
        errors["last_day"] = [_("The closure cannot end before it starts.")]
    elif last_day < timezone.localdate():
        errors["last_day"] = [_("The period is over: a closure covers today or later.")]
    if errors:
        raise ValidationError(errors)
    site = InspectionSite.objects.select_for_update().get(pk=site.pk)
    closure = SiteClosure.objects.create(site=site, first_day=first_day, last_day=last_day, reason=reason.strip(),
                                         closed_by=actor)
    due = Q(scheduled_for__range=(first_day, last_day))
    if first_day <= timezone.localdate():
        due |= Q(scheduled_for__lt=first_day) | Q(scheduled_for__isnull=True)
    tasks = list(InspectionTask.objects.select_for_update().filter(due, site=site,
                                                                   status__in=transitions.OPEN_STATUSES)
                 .select_related("declaration").order_by("scheduled_for", "id"))
    stranded = []
    for task in tasks:
        day = max(task.scheduled_for or first_day, first_day)
        target = site_route(category=task.category, port=site.port, day=day,
                            dg_classes=declaration_dg_classes(task.declaration))
        if target is None:
            stranded.append(str(task.pk))
            continue
        _task_reroute(task, target=target, day=day, closure=closure, actor=actor)
    if stranded:
        raise ValidationError({"site": [_("No other site can take task(s) %(tasks)s: open or equip another site "
                                          "first.") % {"tasks": ", ".join(stranded)}]})
    closure.rerouted = len(tasks)
    closure.save(update_fields=["rerouted"])
    audit_record(actor=actor, action="inspection_site.close", obj=site,
                 after={"closure": closure.pk, "first_day": first_day, "last_day": last_day,
                        "reason": closure.reason, "rerouted": [task.pk for task in tasks]})
    return closure


def _task_reroute(task: InspectionTask, *, target: InspectionSite, day: date, closure: SiteClosure, actor) -> None:
    """Move a task to ``target``. An assigned (not yet claimed) task whose officer does not work at ``target``
    goes back to the pool, which the beat's sweep draws for again; a claimed one stays with its officer."""
    before = _task_snapshot(task)
    task.site, task.scheduled_for = target, day
    fields = ["site", "scheduled_for"]
    previous = task.assigned_to_id
    if task.status == TaskStatus.ASSIGNED and not OfficerProfile.sites.through.objects.filter(
            officerprofile__user_id=previous, inspectionsite=target).exists():
        task.status, task.assigned_to, task.assigned_at = TaskStatus.QUEUED, None, None
        fields += ["status", "assigned_to", "assigned_at"]
        TaskNote.objects.create(task=task, kind=TaskNoteKind.RELEASE, actor=actor, from_officer_id=previous,
                                reason=_("Site %(code)s closed: the inspector does not work at %(site)s.") % {
                                    "code": closure.site.code, "site": target.code})
    task.save(update_fields=fields)
    audit_record(actor=actor, action="inspection_task.reroute", obj=task, enterprise_id=task.enterprise_id,
                 before=before, after={**_task_snapshot(task), "closure": closure.pk})
    _event(declaration=task.declaration, kind="inspection_rerouted", actor=actor,
           message=lambda: _("Inspection moved to %(site)s on %(day)s.") % {"site": target.display_name,
                                                                            "day": day},
           data={"task": task.pk, "site": target.code})


def site_route(*, category: str, port: str, day: date, dg_classes=()) -> InspectionSite | None:
    """The site for goods of ``category`` at ``port`` on ``day``: an open site whose kind or capabilities take
    them (for dangerous goods, licensed for each of ``dg_classes``), with room left that day, least used first; a
    full site is used only when every suitable site is full."""
    kinds = routing.site_kinds_for(category)
    closed = SiteClosure.objects.filter(site=OuterRef("pk"), first_day__lte=day, last_day__gte=day)
    candidates = (InspectionSite.objects.filter(active=True).filter(Q(port=port) | Q(port=""))
                  .exclude(Exists(closed))
                  .annotate(used=Count("tasks", filter=Q(tasks__scheduled_for=day)
                                       & ~Q(tasks__status=TaskStatus.CANCELLED))))
    needed = set(dg_classes or ())
    sites = []
    for site in candidates:
        able = [kind for kind in kinds if kind in site.abilities]
        if not able:
            continue
        if needed and routing.SITE_DANGEROUS_GOODS in able and site.dg_classes and not needed <= set(site.dg_classes):
            continue
        sites.append((kinds.index(able[0]), site))
    if not sites:
        return None
    sites.sort(key=lambda rank_site: (rank_site[0], rank_site[1].used >= rank_site[1].capacity_per_day,
                                      rank_site[1].used / rank_site[1].capacity_per_day, rank_site[1].code))
    return sites[0][1]


def declaration_category(declaration) -> str:
    """The declaration's main commodity category: dangerous goods when a line declares a UN number or class,
    otherwise the HS nomenclature's."""
    lines = list(declaration.lines.all())
    if any(line.un_number or line.dg_class for line in lines):
        return routing.DANGEROUS_GOODS_CATEGORY
    categories = {hs_category(line.hs_code) for line in lines} - {""}
    return routing.main_category(categories)


def declaration_dg_classes(declaration) -> set[str]:
    """The hazard classes (1 to 9) its lines declare."""
    return {dangerous_goods_main_class(line.dg_class) for line in declaration.lines.all() if line.dg_class}
