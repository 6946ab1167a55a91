"""What release, the clearance pipeline's owner, adds to the lower apps' pages and representations (registered in
``ReleaseConfig.ready()``; see ``ciq_portal.page_slots`` and ``declarations.clearance_facts``): the declaration's
next step, certificate and trace page, the submit that runs the pipeline, and the sample and conclusion forms of an
inspection task, which the pipeline's steps receive."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce

from ciq_portal.roles import user_roles
from declarations import transitions as declaration_transitions
from declarations.clearance_facts import ClearanceFactsReader

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


def declaration_next_steps(request, declaration) -> dict | None:
    decision = getattr(declaration, "release_decision", None)
    release = getattr(declaration, "release", None)
    if decision is None and release is None:
        return None
    return {"decision": decision, "release": release}


def declaration_submit_action(request, declaration) -> dict | None:
    return {} if declaration_transitions.allowed("submit", declaration.status, user_roles(request.user)) else None


def shown_as_the_page_allows(request, obj) -> dict:
    """A form the lower page shows where its own rules say (the task page: to whoever may record)."""
    return {}


def rule_whatif_projection(request, whatif) -> dict | None:
    """Beside a rule's what-if replay: the inspection rate and expected hits per grade today and with the rule."""
    if not whatif:
        return None
    return _in_percent(budget_projection(forced_ids=whatif.get("inspected_ids") or ()))


def policy_projection(request, proposed) -> dict | None:
    """Beside a proposed inspection policy: the inspection rate and expected hits per grade today and with it."""
    if not proposed:
        return None
    return _in_percent(budget_projection(budgets=proposed["budgets"], ratios=proposed["ratios"]))


def _in_percent(rows) -> dict:
    shares = ("budget", "budget_projected", "rate_today", "rate_projected", "forced_today", "forced_projected")
    return {"projection": [{**row, **{key: round(100 * row[key], 2) for key in shares}} for row in rows]}


SLOTS = [
    ("declaration.next_steps", "release/slots/declaration_next_steps.html", declaration_next_steps),
    ("declaration.actions", "release/slots/declaration_submit.html", declaration_submit_action),
    ("inspection_task.sampling", "release/slots/task_sample.html", shown_as_the_page_allows),
    ("inspection_task.conclusion", "release/slots/task_conclude.html", shown_as_the_page_allows),
    ("risk.rule_whatif", "release/slots/budget_projection.html", rule_whatif_projection),
    ("credit.policy_projection", "release/slots/budget_projection.html", policy_projection),
]
