"""What release, the clearance pipeline's owner, adds to the lower apps' pages and representations (registered in
``ReleaseConfig.ready()``; see ``ciq_portal.page_slots`` and ``declarations.clearance_facts``): the declaration's
next step, certificate and trace page, the submit that runs the pipeline, and the sample and conclusion forms of an
inspection task, which the pipeline's steps receive."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from ciq_portal.roles import Role, has_role, user_roles
from ciq_portal.scoping import user_enterprise_id
from declarations import transitions as declaration_transitions
from declarations.choices import DeclarationStatus
from declarations.clearance_facts import ClearanceFactsReader
from inspection.selectors import labs_relied_on

from . import forms, matrix
from .choices import NextStep, RecallStatus, ReleaseStatus
from .selectors import budget_projection


def _cached(instance, one_to_one: str):
    """The row on the reverse side of ``one_to_one`` if it is cached on ``instance``, else None (no query)."""
    return getattr(instance, one_to_one) if getattr(type(instance), one_to_one).is_cached(instance) else None


def _facts_of_moved(declaration) -> dict:
    # Django caches the reverse side of a one-to-one a new row is created with: the decision, release and certificate
    # the pipeline made in this request are on the instance.
    decision = _cached(declaration, "release_decision")
    release = _cached(declaration, "release")
    certificate = _cached(release, "certificate") if release else None
    return {"next_step": decision.next_step if decision else "",
            "trace_code": release.trace_code if release else None,
            "certificate_number": certificate.number if certificate else None}


CLEARANCE_FACTS = ClearanceFactsReader(
    annotations=lambda: {"next_step": Coalesce(F("release_decision__next_step"), Value("")),
                         "trace_code": F("release__trace_code"),
                         "certificate_number": F("release__certificate__number")},
    of_moved=_facts_of_moved,
)


def open_recall(release):
    """The recall under way on ``release``, or None (a release is recalled while one is open)."""
    if release is None or release.status != ReleaseStatus.RECALLED:
        return None
    return release.recalls.filter(status=RecallStatus.OPEN).first()


def recall_progress(recall) -> dict:
    """How far the recall has reached the buyers: the notices sent and the ones acknowledged."""
    notices = list(recall.notices.all())
    return {"recall": recall, "buyers": len(notices),
            "notified": sum(1 for n in notices if n.notified_at),
            "acknowledged": sum(1 for n in notices if n.acknowledged_at)}


def declaration_next_steps(request, declaration) -> dict | None:
    decision = getattr(declaration, "release_decision", None)
    release = getattr(declaration, "release", None)
    if decision is None and release is None:
        return None
    return {"decision": decision, "release": release, "recalled": open_recall(release) is not None}


def declaration_status_alert(request, declaration) -> dict | None:
    """A recall under way outweighs "released": the importer sees it at the top with what to do."""
    release = getattr(declaration, "release", None)
    recall = open_recall(release)
    if recall is None:
        return None
    return {"release": release, "is_importer": has_role(request.user, Role.DECLARANT), **recall_progress(recall)}


def report_form_initial(declaration) -> dict:
    """The report form filled with what the declaration already says (the goods' HS codes)."""
    return {"hs_codes": ", ".join(sorted(set(declaration.lines.values_list("hs_code", flat=True))))}


def declaration_requested_report(request, declaration) -> dict | None:
    """Verify-release's report, asked for where the declarant reads what to do next: the structured form (the
    laboratory, the report number, the results) that the officer verifies, and the reports already supplied. A
    document uploaded to the declaration is not a report and does not move the release on."""
    decision = getattr(declaration, "release_decision", None)
    if (decision is None or decision.mode != matrix.VERIFY or decision.inspection_required
            or decision.next_step not in (NextStep.SUPPLY_REPORT, NextStep.AWAIT_VERIFICATION)
            or declaration.status not in (DeclarationStatus.AWAITING_DOCUMENTS, DeclarationStatus.SUBMITTED)
            or not has_role(request.user, Role.DECLARANT)):
        return None
    return {"decision": decision, "reports": list(declaration.test_reports.order_by("-created_at")),
            "blank_report_form": forms.ReportForm(initial=report_form_initial(declaration)),
            "lab_list": forms.LAB_LIST, "labs": labs_relied_on(user=request.user),
            "blank_results_formset": forms.report_results_formset()}


def declaration_submit_action(request, declaration) -> dict | None:
    return {} if declaration_transitions.allowed("submit", declaration.status, user_roles(request.user)) else None


def declaration_form_submit(request, declaration) -> dict | None:
    """"Submit" beside "Save draft" on the declaration's form: file and submit from one page."""
    if not has_role(request.user, Role.DECLARANT):
        return None
    return {} if declaration is None or declaration.status == DeclarationStatus.DRAFT else None


def shown_as_the_page_allows(request, obj) -> dict:
    """A form the lower page shows where its own rules say (the task page: to whoever may record)."""
    return {}


def bulk_submit_link(request, obj) -> dict | None:
    """The declarant's way to submit drafts together, beside the list's bulk import."""
    return {} if has_role(request.user, Role.DECLARANT) and user_enterprise_id(request.user) is not None else None


def import_job_submit(request, job) -> dict | None:
    """Once an upload is done and drafts of it are left, the declarant may submit them all together."""
    if job.status != "done" or not job.declarations.filter(status=DeclarationStatus.DRAFT).exists():
        return None
    return {"job": job}


def rule_whatif_projection(request, whatif) -> dict | None:
    """Beside a rule's what-if replay: the inspection rate, expected hits and clearance time per grade today and
    with the rule."""
    if not whatif:
        return None
    return projection_shown(budget_projection(forced_ids=whatif.get("inspected_ids") or ()))


def policy_projection(request, proposed) -> dict | None:
    """Beside a proposed inspection policy: the same, today and with it."""
    if not proposed:
        return None
    return projection_shown(budget_projection(budgets=proposed["budgets"], ratios=proposed["ratios"]))


def model_projection(request, model) -> dict | None:
    """Where a model is activated (or its activation approved): the same, today and with the model."""
    if model.is_active:
        return None
    return projection_shown(budget_projection(model=model))


def projection_shown(rows) -> dict:
    """A projection as the page shows it: shares in per cent, clearance times in hours."""
    shares = ("budget", "budget_projected", "rate_today", "rate_projected", "forced_today", "forced_projected")
    times = ("minutes_today", "minutes_projected")
    return {"projection": [
        {**row, **{key: round(100 * row[key], 2) for key in shares},
         **{key.replace("minutes", "hours"): None if row[key] is None else round(row[key] / 60, 1) for key in times}}
        for row in rows]}


SLOTS = [
    ("declaration.status_alert", "release/slots/declaration_recall.html", declaration_status_alert),
    ("declaration.next_steps", "release/slots/declaration_next_steps.html", declaration_next_steps),
    ("declaration.requested_report", "release/slots/declaration_report.html", declaration_requested_report),
    ("declaration.actions", "release/slots/declaration_submit.html", declaration_submit_action),
    ("declaration.form_actions", "release/slots/declaration_form_submit.html", declaration_form_submit),
    ("inspection_task.sampling", "release/slots/task_sample.html", shown_as_the_page_allows),
    ("inspection_task.conclusion", "release/slots/task_conclude.html", shown_as_the_page_allows),
    ("declaration_list.actions", "release/slots/declaration_list_bulk_submit.html", bulk_submit_link),
    ("import_job.actions", "release/slots/import_job_submit.html", import_job_submit),
    ("risk.rule_whatif", "release/slots/budget_projection.html", rule_whatif_projection),
    ("credit.policy_projection", "release/slots/budget_projection.html", policy_projection),
    ("risk.model_projection", "release/slots/budget_projection.html", model_projection),
]
