"""Laboratories: the register of accredited labs and their status, the acceptance check of third-party test
reports, and re-tests compared with the lab's results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import message_for_reader, stored_text
from ciq_portal.roles import Role, has_role
from ciq_portal.signing import partner_public_key_load
from declarations.choices import CommodityCategory

from .. import transitions
from ..choices import LabKind, LabStatus
from ..models import Lab, LabComparison, LabPolicy, LabStatusChange, TestReport
from ._common import _decimal, _event, _is_supervisor
from .sites import declaration_category

REPORT_MAX_AGE_DAYS = 365
# The re-test rule until supervisors set one (LabPolicy).
LAB_DISAGREEMENT_LIMIT = 3
LAB_DISAGREEMENT_WINDOW_DAYS = 365
LAB_RETEST_TOLERANCE = "0.10"


def _reason(code: str, message) -> dict:
    """One reason a report or a laboratory is not relied on, its message kept in every language (ciq_portal.i18n)."""
    text, translations = stored_text(message)
    return {"code": code, "message": text, "message_translations": translations}


def _lab_scope_problems(lab: Lab, *, category: str, test_items, on: date) -> list[dict]:
    problems = []
    if lab.status != LabStatus.ACTIVE:
        problems.append(_reason("lab_not_active",
                                lambda: _("The laboratory is %(s)s.") % {"s": lab.get_status_display()}))
    if not (lab.valid_from <= on <= lab.valid_until):
        problems.append(_reason("lab_accreditation_expired",
                                lambda: _("The laboratory's accreditation is not valid on %(d)s.") % {"d": on}))
    if lab.kind == LabKind.THIRD_PARTY:
        if category and lab.scope_categories and category not in lab.scope_categories:
            problems.append(_reason("category_out_of_scope",
                                    lambda: _("%(c)s goods are outside the laboratory's scope.") % {"c": category}))
        outside = sorted(set(test_items) - set(lab.scope_test_items or []))
        if outside:
            problems.append(_reason("test_item_out_of_scope",
                                    lambda: _("Test items outside the laboratory's scope: %(i)s.") % {
                                        "i": ", ".join(outside)}))
    return problems


def _require(actor, *roles) -> None:
    if not has_role(actor, *roles):
        raise PermissionDenied(_("Your role may not change laboratories."))


LAB_FIELDS = ("name", "name_en", "kind", "accreditation_no", "valid_from", "valid_until", "scope_categories",
              "scope_test_items")


def _lab_snapshot(lab: Lab) -> dict:
    return {name: getattr(lab, name) for name in LAB_FIELDS}


def _lab_clean(data: dict, *, lab: Lab | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(data)
    out["name"], out["name_en"] = str(out.get("name") or "").strip(), str(out.get("name_en") or "").strip()
    out["accreditation_no"] = str(out.get("accreditation_no") or "").strip()
    if not out["name"]:
        errors["name"] = [_("This field is required.")]
    if not out["accreditation_no"]:
        errors["accreditation_no"] = [_("This field is required.")]
    elif Lab.objects.filter(accreditation_no=out["accreditation_no"]).exclude(pk=getattr(lab, "pk", None)).exists():
        errors["accreditation_no"] = [_("A laboratory with this accreditation number is registered.")]
    valid_from, valid_until = out.get("valid_from"), out.get("valid_until")
    if not isinstance(valid_from, date):
        errors["valid_from"] = [_("This field is required.")]
    if not isinstance(valid_until, date):
        errors["valid_until"] = [_("This field is required.")]
    elif isinstance(valid_from, date) and valid_until < valid_from:
        errors["valid_until"] = [_("Validity cannot end before it starts.")]
    elif valid_until < timezone.localdate():
        errors["valid_until"] = [_("The accreditation has expired: the bureau relies only on a valid one.")]
    if out.get("kind") not in LabKind.values:
        errors["kind"] = [_("Unknown laboratory kind.")]
    out["scope_categories"] = sorted(set(out.get("scope_categories") or ()))
    if set(out["scope_categories"]) - set(CommodityCategory.values):
        errors["scope_categories"] = [_("Choose commodity categories from the list.")]
    out["scope_test_items"] = sorted({str(item).strip() for item in out.get("scope_test_items") or () if
                                      str(item).strip()})
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def lab_register(*, name, accreditation_no, valid_from, valid_until, kind=LabKind.THIRD_PARTY, name_en="",
                 scope_categories=(), scope_test_items=(), actor=None) -> Lab:
    """Register an accredited laboratory (bureau administrators; the demo calls it without an actor). An
    accreditation already expired is refused."""
    if actor is not None:
        _require(actor, Role.ADMINISTRATOR)
    data = _lab_clean({"name": name, "name_en": name_en, "accreditation_no": accreditation_no, "kind": kind,
                       "valid_from": valid_from, "valid_until": valid_until, "scope_categories": scope_categories,
                       "scope_test_items": scope_test_items})
    lab = Lab.objects.create(**data)
    audit_record(actor=actor, action="lab.register", obj=lab, after=_lab_snapshot(lab))
    return lab


@transaction.atomic
def lab_update(*, lab, actor, **fields) -> Lab:
    """Change a laboratory's register entry (a renewed accreditation, a wider or narrower scope)."""
    _require(actor, Role.ADMINISTRATOR)
    lab = Lab.objects.select_for_update().get(pk=lab.pk)
    before = _lab_snapshot(lab)
    data = _lab_clean({**before, **{k: v for k, v in fields.items() if k in LAB_FIELDS}}, lab=lab)
    for name, value in data.items():
        setattr(lab, name, value)
    lab.save()
    audit_record(actor=actor, action="lab.update", obj=lab, before=before, after=_lab_snapshot(lab))
    return lab


def lab_policy_current() -> LabPolicy:
    """The re-test rule in force: the latest version the supervisors set, or the bureau's defaults."""
    return LabPolicy.objects.order_by("-set_at", "-id").first() or LabPolicy(
        disagreement_limit=LAB_DISAGREEMENT_LIMIT, window_days=LAB_DISAGREEMENT_WINDOW_DAYS,
        tolerance=Decimal(LAB_RETEST_TOLERANCE))


@transaction.atomic
def lab_policy_set(*, actor, disagreement_limit, window_days, tolerance) -> LabPolicy:
    """A new version of the re-test rule (supervisors)."""
    _require(actor, Role.SUPERVISOR, Role.ADMINISTRATOR)
    errors = {}
    for name, value, low, high in (("disagreement_limit", disagreement_limit, 1, 100),
                                   ("window_days", window_days, 1, 3650)):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            errors[name] = [_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]
    try:
        tolerance = _decimal(tolerance, "tolerance", LabPolicy, "tolerance")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        if not Decimal("0") <= tolerance <= Decimal("1"):
            errors["tolerance"] = [_("A relative tolerance is between 0 and 1 (0 % to 100 %).")]
    if errors:
        raise ValidationError(errors)
    before = lab_policy_current()
    policy = LabPolicy.objects.create(disagreement_limit=int(disagreement_limit), window_days=int(window_days),
                                      tolerance=tolerance, set_by=actor)
    audit_record(actor=actor, action="lab_policy.set", obj=policy,
                 before={"disagreement_limit": before.disagreement_limit, "window_days": before.window_days,
                         "tolerance": before.tolerance},
                 after={"disagreement_limit": policy.disagreement_limit, "window_days": policy.window_days,
                        "tolerance": policy.tolerance})
    return policy


def lab_disagreements(lab: Lab, policy: LabPolicy | None = None) -> int:
    """Disagreeing re-tests within the policy's window, counted from the last reinstatement."""
    policy = policy or lab_policy_current()
    since = timezone.now() - timedelta(days=policy.window_days)
    last_change = lab.status_changes.filter(to_status=LabStatus.ACTIVE).order_by("-at").first()
    if last_change and last_change.at > since:
        since = last_change.at  # a reinstatement starts the count afresh
    return lab.comparisons.filter(agrees=False, at__gte=since).count()


def _lab_status_set(lab, to_status, reason, actor, automatic=False) -> Lab:
    lab = Lab.objects.select_for_update().get(pk=lab.pk)
    if lab.status == to_status:
        return lab
    change = LabStatusChange.objects.create(lab=lab, from_status=lab.status, to_status=to_status, reason=reason,
                                            automatic=automatic, actor=actor)
    before = lab.status
    lab.status = to_status
    lab.save(update_fields=["status"])
    audit_record(actor=actor, action=f"lab.{to_status}", obj=lab, before={"status": before},
                 after={"status": to_status, "reason": reason, "automatic": automatic, "change": change.pk})
    return lab


@transaction.atomic
def lab_suspend(*, lab, reason: str, actor) -> Lab:
    _require(actor, Role.SUPERVISOR, Role.ADMINISTRATOR)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    if lab.status == LabStatus.REVOKED:
        raise ValidationError({"status": [_("A revoked laboratory stays revoked.")]})
    # Suspending a suspended laboratory again changes nothing (the automatic suspension may have come first).
    return _lab_status_set(lab, LabStatus.SUSPENDED, reason.strip(), actor)


@transaction.atomic
def lab_revoke(*, lab, reason: str, actor) -> Lab:
    if not _is_supervisor(actor):
        raise ValidationError({"status": [_("Only a supervisor may revoke a laboratory.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    return _lab_status_set(lab, LabStatus.REVOKED, reason.strip(), actor)


@transaction.atomic
def lab_reinstate(*, lab, reason: str, actor) -> Lab:
    if not _is_supervisor(actor):
        raise ValidationError({"status": [_("Only a supervisor may reinstate a laboratory.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    if "reinstate" not in transitions.lab_actions(lab.status):
        raise ValidationError({"status": [_("Only a suspended laboratory can be reinstated.")]})
    return _lab_status_set(lab, LabStatus.ACTIVE, reason.strip(), actor)


@dataclass
class ReportCheck:
    ok: bool
    reasons: list[dict] = field(default_factory=list)
    lab: Lab | None = None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "reasons": self.reasons, "lab": self.lab.accreditation_no if self.lab else None}


def _report_field(report, name, default=None):
    return report.get(name, default) if isinstance(report, dict) else getattr(report, name, default)


def test_report_check(*, declaration, report, today: date | None = None,
                      max_age_days: int = REPORT_MAX_AGE_DAYS) -> ReportCheck:
    """Whether a third-party test report may be relied on (§4.3): from an active, accredited lab, within its
    scope (the goods' category and the reported test items), recent enough, and about these goods (HS codes and
    lot numbers of the declaration). ``report`` is a TestReport or a dict with the same field names."""
    today = today or timezone.localdate()
    reasons = []
    accreditation_no = _report_field(report, "lab_accreditation_no", "") or ""
    lab = Lab.objects.filter(accreditation_no=accreditation_no).first()
    issued_on = _report_field(report, "issued_on")
    if isinstance(issued_on, str):
        issued_on = date.fromisoformat(issued_on)
    items = [str(r.get("test_item")) for r in (_report_field(report, "results") or []) if r.get("test_item")]
    category = declaration_category(declaration)
    if lab is None:
        reasons.append(_reason("lab_unknown", lambda: _("No registered laboratory has accreditation number %(n)s.") % {
            "n": accreditation_no or "?"}))
    else:
        reasons.extend(_lab_scope_problems(lab, category=category, test_items=items, on=issued_on or today))
        if lab.status != LabStatus.ACTIVE and not any(r["code"] == "lab_not_active" for r in reasons):
            reasons.append(_reason("lab_not_active", lambda: _("The laboratory is not active.")))
    if issued_on is None:
        reasons.append(_reason("no_issue_date", lambda: _("The report has no issue date.")))
    elif issued_on > today:
        reasons.append(_reason("issued_in_future", lambda: _("The report is dated in the future.")))
    elif (today - issued_on).days > max_age_days:
        reasons.append(_reason("report_too_old",
                               lambda: _("The report is older than %(n)d days.") % {"n": max_age_days}))
    declared = set(declaration.lines.values_list("hs_code", flat=True))
    reported = {str(c) for c in (_report_field(report, "hs_codes") or [])}
    if not reported or not any(any(d.startswith(r) or r.startswith(d) for r in reported) for d in declared):
        reasons.append(_reason("different_goods",
                               lambda: _("The report is not about the declared goods (HS codes differ).")))
    lots = {x.strip() for x in (_report_field(report, "lot_numbers") or "").split(",") if x.strip()}
    declared_lots = {x.strip() for lots_text in declaration.lines.values_list("lot_numbers", flat=True)
                     for x in (lots_text or "").split(",") if x.strip()}
    if lots and declared_lots and not (lots & declared_lots):
        reasons.append(_reason("different_lots",
                               lambda: _("The report's lot numbers do not match the declared lots.")))
    return ReportCheck(ok=not reasons, reasons=reasons, lab=lab)


@transaction.atomic
def test_report_submit(*, declaration, lab_accreditation_no, report_no, issued_on, hs_codes, results=(),
                       lot_numbers="", document=None, actor=None) -> TestReport:
    """Register a report submitted with a declaration and record the acceptance check on it."""
    errors = {}
    if not (report_no or "").strip():
        errors["report_no"] = [_("This field is required.")]
    if not hs_codes:
        errors["hs_codes"] = [_("Name the HS codes of the goods tested.")]
    elif TestReport.objects.filter(declaration=declaration, lab_accreditation_no=lab_accreditation_no,
                                   report_no=(report_no or "").strip()).exists():
        errors["report_no"] = [_("Report number: this laboratory's report %(n)s was already supplied for this "
                                 "declaration.") % {"n": report_no.strip()}]
    if errors:
        raise ValidationError(errors)
    report = TestReport(declaration=declaration, document=document, lab_accreditation_no=lab_accreditation_no,
                        report_no=report_no.strip(), issued_on=issued_on, hs_codes=list(hs_codes),
                        results=list(results), lot_numbers=lot_numbers)
    check = test_report_check(declaration=declaration, report=report)
    report.lab, report.check_ok, report.check_reasons = check.lab, check.ok, check.reasons
    report.checked_at = timezone.now()
    report.save()
    audit_record(actor=actor, action="test_report.submit", obj=report, enterprise_id=declaration.enterprise_id,
                 after={"report_no": report.report_no, "lab": lab_accreditation_no, **check.as_dict()})
    _event(declaration=declaration, kind="test_report_checked", actor=actor,
           message=lambda: _("Third-party test report %(n)s accepted.") % {"n": report.report_no} if check.ok
           else _("Third-party test report %(n)s not accepted: %(r)s") % {
               "n": report.report_no, "r": "; ".join(message_for_reader(r) for r in check.reasons)},
           data=check.as_dict())
    return report


@transaction.atomic
def lab_retest_compare(*, report, test_item: str, bureau_value, actor, tolerance=None) -> LabComparison:
    """Compare the bureau's re-test with the lab's reported value (relative tolerance, the policy's unless given).
    A lab whose disagreements reach the policy's limit within its window is suspended automatically, with the
    reason on its record."""
    _require(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR)
    report = TestReport.objects.select_for_update().get(pk=report.pk)
    if report.lab_id is None:
        raise ValidationError({"report": [_("The report's laboratory is not registered.")]})
    reported = {str(r.get("test_item")): r for r in report.results}
    if test_item not in reported:
        raise ValidationError({"test_item": [_("The report has no result for this test item.")]})
    policy = lab_policy_current()
    lab_value = _decimal(reported[test_item].get("value"), "test_item", LabComparison, "lab_value")
    bureau_value = _decimal(bureau_value, "bureau_value", LabComparison, "bureau_value")
    tolerance = (policy.tolerance if tolerance in (None, "")
                 else _decimal(tolerance, "tolerance", LabComparison, "tolerance"))
    scale = max(abs(lab_value), abs(bureau_value), Decimal("1e-9"))
    agrees = abs(lab_value - bureau_value) <= tolerance * scale
    comparison = LabComparison.objects.create(lab_id=report.lab_id, report=report, test_item=test_item,
                                              lab_value=lab_value, bureau_value=bureau_value, tolerance=tolerance,
                                              agrees=agrees, actor=actor)
    audit_record(actor=actor, action="lab.compare", obj=comparison, enterprise_id=report.declaration.enterprise_id,
                 after={"lab": report.lab_id, "item": test_item, "lab_value": lab_value,
                        "bureau_value": bureau_value, "agrees": agrees})
    if not agrees:
        lab = Lab.objects.select_for_update().get(pk=report.lab_id)
        disagreements = lab_disagreements(lab, policy)
        if disagreements >= policy.disagreement_limit and lab.status == LabStatus.ACTIVE:
            _lab_status_set(lab, LabStatus.SUSPENDED,
                            _("Suspended automatically: %(n)d re-tests disagreed with the laboratory's results "
                              "within %(days)d days (the bureau's limit is %(limit)d).") % {
                                "n": disagreements, "days": policy.window_days, "limit": policy.disagreement_limit},
                            actor=None, automatic=True)
    return comparison


@transaction.atomic
def lab_api_access_set(*, lab, client, signing_public_key: str, actor) -> Lab:
    """Tie a laboratory to its own system: the agency client whose API keys post its results (None removes it)
    and the Ed25519 public key (PEM) that checks their signatures. Administrators."""
    _require(actor, Role.ADMINISTRATOR)
    lab = Lab.objects.select_for_update().get(pk=lab.pk)
    pem = (signing_public_key or "").strip()
    errors = {}
    if pem and partner_public_key_load(pem) is None:
        errors["signing_public_key"] = [_("Give an Ed25519 public key in PEM form.")]
    if client is not None and Lab.objects.filter(api_client=client).exclude(pk=lab.pk).exists():
        errors["client"] = [_("This API client already belongs to another laboratory.")]
    if errors:
        raise ValidationError(errors)
    before = {"client": lab.api_client_id, "signing_public_key": lab.signing_public_key}
    lab.api_client, lab.signing_public_key = client, pem + "\n" if pem else ""
    lab.save(update_fields=["api_client", "signing_public_key"])
    audit_record(actor=actor, action="lab.api_access", obj=lab, before=before,
                 after={"client": lab.api_client_id, "signing_public_key": lab.signing_public_key})
    return lab
