"""The tenancy matrix: for every route of the portal, what declarant B must get when aiming at enterprise A.

Kinds of entry:

- ``Own(kwargs)``: an object of enterprise A is in the URL and declarants use the route for their own objects.
  B's reads get 404; B's writes (POST, and PUT/PATCH/DELETE where the API has them) get 4xx;
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

from collections.abc import Callable
from dataclasses import dataclass


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
    "portal:message_deliveries": Bureau(reason="mail and SMS deliveries: supervisors and administrators"),
    "portal:message_delivery_retry": Bureau(lambda w: {"pk": 1}, reason="mail and SMS: supervisors, administrators"),
    "message-delivery-list": Bureau(reason="mail and SMS deliveries: supervisors and administrators"),
    "message-delivery-detail": Bureau(lambda w: {"pk": 1}, reason="mail and SMS: supervisors, administrators"),
    "message-delivery-retry": Bureau(lambda w: {"pk": 1}, reason="mail and SMS: supervisors, administrators"),
    "portal:agencies": Bureau(reason="agency administration: administrators"),
    "portal:agency_key_action": Bureau(lambda w: {"client_pk": 1}, reason="agency administration: administrators"),
    "agency-me": Bureau(reason="partner agencies' own client record"),
    "audit-head-list": Public("the audit log's published heads: hashes and signatures, no enterprise data (also "
                              "public at /public/audit/heads.json)"),
    "public:audit": Public("the audit log's published heads (hashes and signatures), public so outsiders keep them"),
    "public:audit_json": Public("the audit log's published heads as JSON, to keep"),
    "public:keys": Public("the bureau's public signing keys, public so anyone can check signatures"),
    "public:keys_json": Public("the bureau's public signing keys as JSON"),
    "public:key_pem": Public("one public signing key (PEM)"),
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
    # --- credit pages ----------------------------------------------------------------------------------------------
    "credit:my_credit": Listing(),
    "credit:objection_new": Own(lambda w: {"change_pk": w.need("grade_change").pk}),
    "credit:enterprise_list": Bureau(reason="the enterprise register: bureau staff"),
    "credit:enterprise_detail": Bureau(lambda w: {"pk": w.enterprise.pk}),
    "credit:overview": Bureau(),
    "credit:recompute_now": Bureau(),
    "credit:objection_queue": Bureau(),
    "credit:objection_detail": Own(pk("objection")),
    "credit:policy": Bureau(reason="editing the policy table: supervisors"),
    # --- declarations ------------------------------------------------------------------------------------------
    "declaration-list": Listing(aimed_at_a),
    "declaration-detail": Own(pk("draft")),
    "declaration-answer": Own(pk("declaration"), get=False),
    "declaration-document-download": Own(lambda w: {"pk": w.need("draft").pk, "document_pk": w.need("document").pk}),
    "declaration-documents": Own(pk("draft")),
    "declaration-events": Own(pk("declaration")),
    "declaration-line-detail": Own(lambda w: {"pk": w.need("draft").pk, "line_pk": w.need("line").pk}),
    "declaration-lines": Own(pk("draft")),
    "declaration-submit": Own(pk("draft"), get=False),
    "declaration-withdraw": Own(pk("declaration"), get=False),
    "logistics-event-list": Listing(aimed_at_a, create=lambda w: {
        "external_id": "B-PUSH-1", "kind": "vessel_berthed", "container_no": w.need("declaration").containers[0],
        "occurred_at": "2026-11-27T08:00:00+08:00"}),
    "logistics-event-detail": Own(pk("logistics_event")),
    "declarations:registrations": Listing(aimed_at_a),
    "declarations:registration_apply": Listing(),
    "declarations:registration_detail": Own(pk("registration")),
    "declarations:registration_document_upload": Own(pk("registration"), get=False),
    "declarations:registration_document_download": Own(lambda w: {"pk": w.need("registration").pk,
                                                               "document_pk": w.need("registration_document").pk}),
    "declarations:registration_decide": Bureau(lambda w: {"pk": w.need("registration").pk, "action": "approve"}),
    "registration-list": Listing(aimed_at_a),
    "registration-detail": Own(pk("registration")),
    "declarations:list": Listing(aimed_at_a),
    "declarations:all": Listing(aimed_at_a),  # bureau staff see all; a declarant sees their own
    "declarations:create": Listing(),
    "declarations:import": Listing(),
    "declarations:import_template": Public("the blank bulk-import template (CSV/XLSX), the same for everyone"),
    "declarations:import_job": Own(pk("import_job")),
    "declarations:detail": Own(pk("declaration")),
    "declarations:edit": Own(pk("draft")),
    "declarations:delete": Own(pk("draft"), get=False),
    "release:declaration_submit": Own(pk("draft"), get=False),
    "declarations:withdraw": Own(pk("declaration"), get=False),
    "declarations:answer": Own(pk("declaration"), get=False),
    "declarations:officer_action": Bureau(lambda w: {"pk": w.need("declaration").pk, "action": "hold"}),
    "declarations:document_upload": Own(pk("draft"), get=False),
    "declarations:document_download": Own(lambda w: {"pk": w.need("draft").pk,
                                                     "document_pk": w.need("document").pk}),
    # --- risk --------------------------------------------------------------------------------------------------
    "risk-assessment-list": Listing(aimed_at_a),
    "risk-assessment-detail": Own(pk("assessment")),
    "risk-bulletin-list": Listing(aimed_at_a),
    "risk-bulletin-detail": Public("a published risk bulletin (public, §4.2)"),
    "risk-rule-list": Bureau(reason="risk rules and their weights: bureau staff"),
    "risk-rule-detail": Bureau(lambda w: {"pk": 1}),
    "risk:home": Bureau(),
    "risk:rule_list": Bureau(),
    "risk:rule_create": Bureau(),
    "risk:rule_detail": Bureau(lambda w: {"pk": 1}),
    "risk:rule_edit": Bureau(lambda w: {"pk": 1}),
    "risk:rule_move": Bureau(lambda w: {"pk": 1, "verb": "retire"}),
    "risk:performance": Bureau(),
    "risk:bulletin_list": Bureau(),
    "risk:bulletin_create": Bureau(),
    "risk:bulletin_detail": Bureau(lambda w: {"pk": 1}),
    "risk:bulletin_edit": Bureau(lambda w: {"pk": 1}),
    "risk:bulletin_move": Bureau(lambda w: {"pk": 1, "verb": "withdraw"}),
    "risk:model_list": Bureau(),
    "risk:model_activate": Bureau(lambda w: {"pk": 1}),
    "risk:declaration_assessments": Bureau(lambda w: {"declaration_id": w.need("declaration").pk},
                                           reason="risk reasons are never shown to declarants"),
    "risk:public_bulletins": Public("published risk bulletins for the public (§4.2)"),
    # --- release -----------------------------------------------------------------------------------------------
    "release-matrix": Bureau(reason="the mode matrix: supervisors"),
    "release-dashboard": Bureau(reason="the inspection budget's figures: supervisors and risk analysts"),
    "certificate-verify": Public("certificate verification by its number, public by design (§4.4)"),
    "release-list": Listing(aimed_at_a),
    "release-detail": Own(pk("release")),
    "release-distributions": Own(pk("release")),
    "release-recall": Bureau(pk("release")),
    "release-recalls": Own(pk("release")),
    "release-decision-detail": Own(lambda w: {"declaration": w.need("declaration").pk}),
    "release-decision-conclude": Bureau(lambda w: {"declaration": w.need("declaration").pk}),
    "release-decision-sample-release": Bureau(lambda w: {"declaration": w.need("declaration").pk}),
    "release-decision-supply-report": Own(lambda w: {"declaration": w.need("declaration").pk}, get=False),
    "release-decision-verify": Bureau(lambda w: {"declaration": w.need("declaration").pk}),
    "negative-list-list": Bureau(reason="the negative list: bureau staff"),
    "negative-list-detail": Bureau(lambda w: {"pk": 1}),
    "release:trace": Public("the trace page of an unguessable trace code, public by design (QR, §4.4)"),
    "release:trace_qr": Public("the QR code of an unguessable trace code, public by design (§4.4)"),
    "release:verify_lookup": Public("the public certificate check form (§4.4)"),
    "release:verify": Public("the public certificate check of one number (§4.4)"),
    "release:verify_json": Public("a certificate's signed content and signature, to check offline (§4.4)"),
    "release:public_statistics": Public("published release statistics (一公开), no enterprise data"),
    "release:recall_ack": Public("a downstream buyer acknowledges a recall by its unguessable token"),
    "release:dashboard": Bureau(),
    "release:dashboard_export": Bureau(lambda w: {"fmt": "csv"}),
    "release:matrix": Bureau(),
    "release:negative_list": Bureau(),
    "release:targeting": Bureau(reason="the risk-targeting cut-offs: analysts and supervisors"),
    "release:targeting_recompute": Bureau(reason="recomputes the cut-offs: analysts and supervisors"),
    "release:negative_list_retire": Bureau(lambda w: {"pk": 1}),
    "release:list": Listing(aimed_at_a),
    "release:detail": Own(pk("release")),
    "release:distribution_add": Own(pk("release"), get=False),
    "release:recall_open": Bureau(pk("release")),
    "release:recall_close": Bureau(pk("release")),
    "release:certificate_revoke": Bureau(pk("release"), reason="supervisors revoke certificates"),
    "release:notice_acknowledge": Own(lambda w: {"pk": w.need("release").pk, "notice_pk": w.need("notice").pk},
                                      get=False),
    "release:post_check_schedule": Bureau(pk("release")),
    "release:post_check_record": Bureau(lambda w: {"pk": w.need("release").pk, "check_pk": w.need("post_check").pk}),
    "release:certificate_pdf": Own(lambda w: {"number": w.need("certificate").number}),
    "release:recalls": Listing(aimed_at_a),
    "release:post_checks": Bureau(),
    "release:decision": Own(pk("declaration")),
    "release:report_supply": Own(pk("declaration"), get=False),
    "release:report_verify": Bureau(lambda w: {"pk": w.need("declaration").pk, "report_pk": w.need("test_report").pk}),
    "release:sample_release": Bureau(pk("declaration")),
    "release:conclude": Bureau(pk("declaration")),
    "release:resume": Bureau(pk("declaration"), reason="the desk resumes a held declaration"),
    "release:verification_queue": Bureau(),
    "release:direct_release": Bureau(),
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
    "joint-inspection-detail": Bureau(pk("joint"), reason="joint inspections: officers and partner agencies"),
    "joint-inspection-findings": Bureau(pk("joint"), reason="agencies and officers record findings"),
    "joint-inspection-schedule": Bureau(pk("joint")),
    "case-referral-list": Bureau(reason="case referrals are between the bureau and partner agencies"),
    "case-referral-detail": Bureau(lambda w: {"pk": 1}),
    "case-referral-acknowledge": Bureau(lambda w: {"pk": 1}),
    "case-referral-evidence": Bureau(lambda w: {"pk": 1}),
    "case-referral-outcome": Bureau(lambda w: {"pk": 1}),
    "case-referral-withdraw": Bureau(lambda w: {"pk": 1}),
    "referrals:list": Bureau(),
    "referrals:create": Bureau(),
    "referrals:detail": Bureau(lambda w: {"pk": 1}),
    "referrals:action": Bureau(lambda w: {"pk": 1, "move": "withdraw"}),
    "inspection:queue": Bureau(),
    "inspection:claim_next": Bureau(),
    "inspection:task_list": Bureau(),
    "inspection:task": Bureau(pk("task")),
    "inspection:task_claim": Bureau(pk("task")),
    "inspection:task_release": Bureau(pk("task")),
    "inspection:task_reassign": Bureau(pk("task")),
    "inspection:task_confidential": Bureau(pk("task"), reason="supervisors keep a declaration out of the public "
                                                              "record"),
    "inspection:task_checklist": Bureau(pk("task")),
    "inspection:task_findings": Bureau(pk("task")),
    "inspection:task_photo": Bureau(pk("task")),
    "release:task_sample": Bureau(pk("task")),
    "inspection:sample_custody": Bureau(lambda w: {"pk": w.need("task").pk, "sample_pk": w.need("sample").pk}),
    "inspection:task_lab_order": Bureau(pk("task")),
    "inspection:lab_results": Bureau(lambda w: {"pk": w.need("task").pk, "order_pk": w.need("lab_order").pk}),
    "release:task_conclude": Bureau(pk("task")),
    "inspection:labs": Bureau(reason="the laboratory registry's management pages"),
    "inspection:lab": Bureau(lambda w: {"pk": w.need("lab").pk}),
    "inspection:lab_status": Bureau(lambda w: {"pk": w.need("lab").pk, "action": "suspend"}),
    "inspection:joint_list": Bureau(),
    "inspection:joint_schedule": Bureau(pk("joint")),
    "draws_public:index": Public("the published draw record (一公开 §4.5)"),
    "draws_public:script": Public("the public verifier of the draws (standard-library Python)"),
    "results_public:index": Public("published outcomes of random inspections (一公开 §4.5): never risk-targeted or "
                                   "confidential ones"),
    "results_public:json": Public("published outcomes of random inspections (JSON)"),
    "results_public:csv": Public("published outcomes of random inspections (CSV)"),
    "draws_public:day": Public("one day's published draw record"),
    "draws_public:json": Public("one day's published draw record (JSON)"),
    "draws_public:csv": Public("one day's published draw record (CSV)"),
}
