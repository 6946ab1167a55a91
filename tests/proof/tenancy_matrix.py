"""The tenancy matrix: for every route of the portal, what declarant B must get when aiming at enterprise A.

Kinds of entry:

- ``Own(kwargs)``: an object of enterprise A is in the URL and declarants use the route for their own objects.
  B's reads get 404; B's writes (POST, and PUT/PATCH/DELETE where the API has them) get 4xx (404 expected);
  no row changes.
- ``Bureau(kwargs)``: a route for bureau staff (or agencies) only. B is refused by role: 403, 404 or 405 (or sent
  to log in); no row changes. ``kwargs`` point it at A's objects where the URL takes any.
- ``Listing(queries)``: a list, search, export or dashboard B may open: whatever B gets (also with filters
  aimed at A: ``?enterprise=<A>``, ``?declaration=<A's>``, ...) contains none of A's markers.
  Writes to it (an API list's POST) naming A's objects get 4xx and change nothing (``create`` builds the body).
- ``Public(reason)``: not object-scoped or public by design; not walked, the reason says why.

``kwargs`` and ``create`` are functions of the world (tests/proof/world.py); ``world.need("task")`` raises,
naming why, when A has no such object yet.
"""

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Own:
    kwargs: Callable = lambda w: {}
    get: bool = True  # False: the route serves no GET (a POST-only action); B's GET may then be 405


@dataclass(frozen=True)
class Bureau:
    kwargs: Callable = lambda w: {}
    reason: str = "bureau staff only"


@dataclass(frozen=True)
class Listing:
    queries: Callable = lambda w: [{}]
    create: Callable | None = None  # body for a POST to the listing naming A's objects (expected: 4xx)


@dataclass(frozen=True)
class Public:
    reason: str


def pk(name):
    return lambda w: {"pk": w.need(name).pk}


def aimed_at_a(w):
    """Filters a declarant might try on any list to reach A's rows."""
    queries = [{}, {"enterprise": w.enterprise.pk}, {"enterprise_id": w.enterprise.pk}, {"uscc": w.enterprise.uscc},
               {"search": w.enterprise.uscc}, {"q": w.enterprise.uscc}]
    decl = getattr(w, "declaration", None)
    if decl is not None:
        queries += [{"declaration": decl.pk}, {"number": decl.number}, {"search": decl.number}, {"q": decl.number}]
    return queries


MATRIX: dict[str, object] = {
    # --- portal --------------------------------------------------------------------------------------------------
    "home": Public("redirects to the user's own home page"),
    "portal_home": Listing(),
    "healthz": Public("health probe: database and broker status, no enterprise data"),
    "set_language": Public("switches the session's language"),
    "login": Public("log-in form"),
    "logout": Public("ends the caller's own session"),
    "api-token": Public("exchanges the caller's own credentials for a token"),
    "api-schema": Public("the OpenAPI description"),
    "api-docs": Public("Swagger UI, the API's documentation page"),
    # --- notifications and partner agencies (ciq_portal) ------------------------------------------------------------
    "subscription-list": Listing(aimed_at_a),
    "subscription-detail": Own(pk("subscription")),
    "notification-list": Listing(aimed_at_a),
    "notification-detail": Own(pk("notification")),
    "notification-mark-read": Own(pk("notification"), get=False),
    "webhook-delivery-list": Listing(aimed_at_a),
    "webhook-delivery-detail": Own(pk("delivery")),
    "webhook-delivery-replay": Own(pk("delivery"), get=False),
    "portal:agency_guide": Public("the partner agencies' API guide (documentation)"),
    "portal:notifications": Listing(aimed_at_a),
    "portal:notifications_mark_read": Listing(aimed_at_a),
    "portal:subscriptions": Listing(aimed_at_a),
    "portal:subscription_toggle": Own(pk("subscription"), get=False),
    "portal:deliveries": Listing(aimed_at_a),
    "portal:delivery_detail": Own(pk("delivery")),
    "portal:delivery_replay": Own(pk("delivery"), get=False),
    "portal:agencies": Bureau(reason="agency administration: administrators"),
    "portal:agency_key_action": Bureau(lambda w: {"client_pk": 1}, reason="agency administration: administrators"),
    "agency-me": Bureau(reason="partner agencies' own client record"),
    "agency-key-list": Bureau(reason="partner agencies' own API keys"),
    "agency-key-rotate": Bureau(lambda w: {"pk": 1}, reason="partner agencies' own API keys"),
    # --- credit ----------------------------------------------------------------------------------------------------
    "enterprise-list": Listing(aimed_at_a),
    "enterprise-detail": Own(lambda w: {"pk": w.enterprise.pk}),
    "credit-event-list": Listing(aimed_at_a, create=lambda w: {"enterprise": w.enterprise.pk, "kind": "penalty",
                                                               "source": "officer", "note": "B tries"}),
    "credit-event-detail": Own(pk("credit_event")),
    "credit-policy-list": Public("the grade -> inspection-ratio policy table is published (§4.1), not per enterprise"),
    "credit-policy-detail": Public("one published version of the policy table, not per enterprise"),
    # --- inspection ------------------------------------------------------------------------------------------------
    "inspection-task-list": Listing(aimed_at_a),
    "inspection-task-detail": Own(pk("task")),
    "inspection-task-claim": Bureau(pk("task")),
    "inspection-task-conclude": Bureau(pk("task")),
    "inspection-task-reassign": Bureau(pk("task")),
    "inspection-task-release": Bureau(pk("task")),
    "lab-list": Public("the registry of accredited laboratories is public information"),
    "lab-detail": Public("an accredited laboratory's public record"),
    "test-report-list": Listing(aimed_at_a, create=lambda w: {
        "declaration": w.need("declaration").pk, "lab_accreditation_no": "CNAS L0000", "report_no": "B-ON-A",
        "issued_on": "2026-11-20", "hs_codes": ["0306170000"]}),
    "test-report-detail": Own(pk("test_report")),
    "joint-inspection-list": Listing(aimed_at_a, create=lambda w: {
        "declaration": w.need("declaration").pk, "agency": "customs", "kind": "boarding", "conveyance": "MV B"}),
    "joint-inspection-detail": Own(pk("joint")),
    "joint-inspection-findings": Bureau(pk("joint"), reason="agencies and officers record findings"),
    "joint-inspection-schedule": Bureau(pk("joint")),
    "inspection:queue": Bureau(),
    "inspection:claim_next": Bureau(),
    "inspection:task": Bureau(pk("task")),
    "inspection:task_claim": Bureau(pk("task")),
    "inspection:task_release": Bureau(pk("task")),
    "inspection:task_reassign": Bureau(pk("task")),
    "inspection:task_checklist": Bureau(pk("task")),
    "inspection:task_findings": Bureau(pk("task")),
    "inspection:task_photo": Bureau(pk("task")),
    "inspection:task_sample": Bureau(pk("task")),
    "inspection:sample_custody": Bureau(lambda w: {"pk": w.need("task").pk, "sample_pk": w.need("sample").pk}),
    "inspection:task_lab_order": Bureau(pk("task")),
    "inspection:lab_results": Bureau(lambda w: {"pk": w.need("task").pk, "order_pk": w.need("lab_order").pk}),
    "inspection:task_conclude": Bureau(pk("task")),
    "inspection:labs": Bureau(reason="the laboratory registry's management pages"),
    "inspection:lab": Bureau(lambda w: {"pk": w.need("lab").pk}),
    "inspection:lab_status": Bureau(lambda w: {"pk": w.need("lab").pk, "action": "suspend"}),
    "inspection:joint_list": Bureau(),
    "inspection:joint_schedule": Bureau(pk("joint")),
    "draws_public:index": Public("the published draw record (一公开 §4.5)"),
    "draws_public:script": Public("the public re-run script of the draws"),
    "draws_public:day": Public("one day's published draw record"),
    "draws_public:json": Public("one day's published draw record (JSON)"),
    "draws_public:csv": Public("one day's published draw record (CSV)"),
}
