"""The tenancy matrix: for every route of the portal, what an outsider must get when aiming at enterprise A:
declarant B, a customs broker A did not delegate to, and A's own broker beyond its delegation (each "B" below).

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
    "search": Listing(aimed_at_a),
    "api-search": Listing(aimed_at_a),
    "healthz": Public("health probe: database and broker status, no enterprise data"),
    "favicon": Public("redirects to the portal's static icon"),
    "set_language": Public("switches the session's language"),
    "login": Public("log-in form"),
    "logout": Public("ends the caller's own session"),
    "password_change": Public("changes the caller's own password"),
    "password_change_done": Public("says the caller's own password was changed"),
    "password_reset": Public("mails a set-password link to the address typed, telling nothing of whose it is"),
    "password_reset_done": Public("says a link may be on its way (the same for every address)"),
    "password_reset_confirm": Public("sets a password with a signed one-time token from a mail, no enterprise data"),
    "password_reset_complete": Public("says the password was set"),
    "two_factor": Public("sets up or checks the caller's own authenticator app"),
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
    "portal:calendar": Bureau(reason="the working calendar: administrators"),
    "portal:calendar_year": Bureau(lambda w: {"year": 2026}, reason="the working calendar: administrators"),
    "calendar-year-list": Bureau(reason="the working calendar: bureau staff"),
    "calendar-year-detail": Bureau(lambda w: {"year": 2026}, reason="the working calendar: bureau staff"),
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
    "delegation-list": Listing(aimed_at_a, create=lambda w: {
        "broker_uscc": w.need("delegation").broker.uscc, "valid_from": "2026-01-01", "valid_until": "2099-12-31"}),
    "delegation-detail": Own(pk("delegation")),
    "delegation-revoke": Own(pk("delegation"), get=False),
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
    "credit:apply": Public("the online application form of an enterprise that has no account yet"),
    "credit:apply_done": Public("says an application was sent, naming nothing"),
    "credit:applications": Bureau(reason="enterprise applications: the bureau's administrators"),
    "credit:application_detail": Bureau(lambda w: {"pk": 1}, reason="an application: the bureau's administrators"),
    "credit:application_licence": Bureau(lambda w: {"pk": 1}, reason="a business licence: the bureau's "
                                                                       "administrators"),
    "credit:members": Listing(aimed_at_a, create=lambda w: {"full_name": "B tries", "email": "b-tries@a.example"}),
    "credit:member_remove": Own(lambda w: {"pk": w.declarant.enterprise_membership.pk}, get=False),
    "credit:delegations": Listing(aimed_at_a, create=lambda w: {
        "broker_uscc": w.need("delegation").broker.uscc, "valid_from": "2026-01-01", "valid_until": "2099-12-31"}),
    "credit:delegation_revoke": Own(pk("delegation"), get=False),
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
    # the check of a typed manufacturer: A's registered name must read as unknown to B
    "declarations:manufacturer_check": Listing(
        lambda w: [{"manufacturer_name": w.need("registration").manufacturer_name, "hs_code": "847130"}]),
    "declarations:import": Listing(),
    "declarations:import_template": Public("the blank bulk-import template (CSV/XLSX), the same for everyone"),
    "declarations:import_job": Own(pk("import_job")),
    "declarations:detail": Own(pk("declaration")),
    "declarations:edit": Own(pk("draft")),
    "declarations:delete": Own(pk("draft"), get=False),
    "release:declaration_submit": Own(pk("draft"), get=False),
    "release:declaration_file": Listing(),  # files a new declaration of B's own: no object of A in reach
    "release:lab_check": Public("the bureau's register of laboratories, the same for every user"),
    "release:declaration_edit_submit": Own(pk("draft"), get=False),
    "release:bulk_submit": Listing(lambda w: [{}, {"job": w.need("import_job").pk}]),
    "release:bulk_submission": Own(pk("bulk_submission")),
    "declarations:withdraw": Own(pk("declaration"), get=False),
    "declarations:answer": Own(pk("declaration"), get=False),
    "declarations:officer_action": Bureau(lambda w: {"pk": w.need("declaration").pk, "action": "hold"}),
    "declarations:document_upload": Own(pk("draft"), get=False),
    "declarations:document_download": Own(lambda w: {"pk": w.need("draft").pk,
                                                     "document_pk": w.need("document").pk}),
    "declarations:document_requirements": Bureau(reason="the document requirements table: bureau staff"),
    "declarations:document_requirement_create": Bureau(reason="reference tables: administrators"),
    "declarations:document_requirement_edit": Bureau(lambda w: {"pk": 1}, reason="reference tables: administrators"),
    "declarations:hs_codes": Bureau(reason="the HS nomenclature's management pages: bureau staff"),
    "declarations:hs_code_create": Bureau(reason="reference tables: administrators"),
    "declarations:hs_code_edit": Bureau(lambda w: {"code": "0306"}, reason="reference tables: administrators"),
    "declarations:hs_edition_import": Bureau(reason="HS editions: administrators"),
    "declarations:hs_edition_template": Bureau(reason="HS editions: administrators"),
    "document-requirement-list": Bureau(reason="the document requirements table: bureau staff"),
    "document-requirement-detail": Bureau(lambda w: {"pk": 1}, reason="reference tables: bureau staff"),
    "hs-code-list": Bureau(reason="the HS nomenclature's management API: bureau staff"),
    "hs-code-detail": Bureau(lambda w: {"code": "0306"}, reason="reference tables: bureau staff"),
    "hs-edition-list": Bureau(reason="HS editions: administrators"),
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
    "bulk-submission-list": Listing(aimed_at_a, create=lambda w: {"declarations": [w.need("draft").pk]}),
    "bulk-submission-detail": Own(pk("bulk_submission")),
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
    "lab-list": Listing(aimed_at_a, create=lambda w: {"name": "B's lab", "accreditation_no": "CNAS B0001",
                                                      "valid_from": "2026-01-01", "valid_until": "2030-01-01"}),
    "lab-detail": Public("an accredited laboratory's public record (its changes need the administrator role: "
                         "tests/inspection/test_labs.py)"),
    "lab-suspend": Bureau(lambda w: {"pk": w.need("lab").pk}, reason="supervisors suspend laboratories"),
    "lab-reinstate": Bureau(lambda w: {"pk": w.need("lab").pk}, reason="supervisors reinstate laboratories"),
    "lab-retests": Bureau(lambda w: {"pk": w.need("lab").pk}, reason="re-tests: bureau staff"),
    "lab-policy-list": Bureau(reason="the re-test rule: bureau staff read, supervisors set"),
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
    "inspection:lab_create": Bureau(reason="laboratories: administrators register them"),
    "inspection:lab_edit": Bureau(lambda w: {"pk": w.need("lab").pk}, reason="laboratories: administrators"),
    "inspection:lab_retest": Bureau(lambda w: {"pk": w.need("lab").pk}, reason="re-tests: bureau staff"),
    "inspection:lab_policy": Bureau(reason="the re-test rule: supervisors"),
    "inspection:sites": Bureau(reason="inspection sites: bureau staff"),
    "inspection:site_create": Bureau(reason="inspection sites: administrators"),
    "inspection:site": Bureau(lambda w: {"pk": 1}, reason="inspection sites: bureau staff"),
    "inspection:site_edit": Bureau(lambda w: {"pk": 1}, reason="inspection sites: administrators"),
    "inspection:site_close": Bureau(lambda w: {"pk": 1}, reason="closing a site: administrators and supervisors"),
    "inspection-site-list": Bureau(reason="inspection sites: bureau staff"),
    "inspection-site-detail": Bureau(lambda w: {"pk": 1}, reason="inspection sites: bureau staff"),
    "inspection-site-close": Bureau(lambda w: {"pk": 1}, reason="closing a site: administrators and supervisors"),
    "inspection:test_items": Bureau(reason="the limits table: bureau staff"),
    "inspection:test_item_create": Bureau(reason="the limits table: administrators"),
    "inspection:test_item": Bureau(lambda w: {"pk": 1}, reason="the limits table: bureau staff"),
    "inspection:test_item_edit": Bureau(lambda w: {"pk": 1}, reason="the limits table: administrators"),
    "inspection:test_limit_add": Bureau(lambda w: {"pk": 1}, reason="the limits table: administrators"),
    "inspection:test_limits": Bureau(reason="the limits table: bureau staff"),
    "inspection:test_limit_import": Bureau(reason="the limits table: administrators"),
    "inspection:test_limit_template": Bureau(reason="the limits table: administrators"),
    "test-item-list": Bureau(reason="the limits table: bureau staff"),
    "test-item-detail": Bureau(lambda w: {"pk": 1}, reason="the limits table: bureau staff"),
    "test-limit-list": Bureau(reason="the limits table: bureau staff"),
    "test-limit-detail": Bureau(lambda w: {"pk": 1}, reason="the limits table: bureau staff"),
    "test-limit-import": Bureau(reason="the limits table: administrators"),
    "inspection:joint_list": Bureau(),
    "inspection:joint_schedule": Bureau(pk("joint")),
    "officer-list": Bureau(reason="the bureau's officers: supervisors and administrators (created by administrators)"),
    "officer-detail": Bureau(lambda w: {"pk": w.need("officer_profile").pk}),
    "officer-deactivate": Bureau(lambda w: {"pk": w.need("officer_profile").pk}),
    "officer-reactivate": Bureau(lambda w: {"pk": w.need("officer_profile").pk}),
    "officer-import": Bureau(reason="staff are imported by administrators"),
    "roster-duty-list": Bureau(reason="duty rosters: bureau staff read, supervisors and administrators keep"),
    "roster-duty-detail": Bureau(lambda w: {"pk": 1}),
    "roster-duty-cancel": Bureau(lambda w: {"pk": 1}),
    "roster-duty-import": Bureau(reason="rosters are uploaded by supervisors and administrators"),
    "roster-cancellation-list": Bureau(reason="duty rosters: bureau staff"),
    "roster-cancellation-detail": Bureau(lambda w: {"pk": 1}),
    "roster-shift-list": Bureau(reason="duty rosters: bureau staff"),
    "roster-shift-detail": Bureau(lambda w: {"pk": 1}),
    "roster-week": Bureau(reason="a site's week roster: bureau staff"),
    "officer-leave-list": Bureau(reason="officers' leave: the officer and supervisors"),
    "officer-leave-detail": Bureau(lambda w: {"pk": 1}),
    "officer-leave-approve": Bureau(lambda w: {"pk": 1}),
    "officer-leave-refuse": Bureau(lambda w: {"pk": 1}),
    "conflict-of-interest-list": Bureau(reason="declared conflicts of interest: the bureau only, never declarants"),
    "conflict-of-interest-detail": Bureau(lambda w: {"pk": w.need("conflict").pk}),
    "conflict-of-interest-acknowledge": Bureau(lambda w: {"pk": w.need("conflict").pk}),
    "inspection:officers": Bureau(reason="the bureau's officers: supervisors and administrators"),
    "inspection:officer_create": Bureau(reason="staff are created by administrators"),
    "inspection:officer_import": Bureau(reason="staff are imported by administrators"),
    "inspection:officer_import_template": Bureau(lambda w: {"fmt": "csv"}, reason="staff import: administrators"),
    "inspection:officer": Bureau(lambda w: {"pk": w.need("officer_profile").pk}),
    "inspection:officer_active": Bureau(lambda w: {"pk": w.need("officer_profile").pk, "action": "deactivate"}),
    "inspection:roster": Bureau(reason="duty rosters: bureau staff"),
    "inspection:roster_pattern_add": Bureau(reason="rosters are kept by supervisors and administrators"),
    "inspection:roster_pattern_cancel": Bureau(lambda w: {"pk": 1}),
    "inspection:roster_shift_add": Bureau(reason="rosters are kept by supervisors and administrators"),
    "inspection:roster_remove": Bureau(lambda w: {"kind": "pattern", "pk": 1}),
    "inspection:roster_import": Bureau(reason="rosters are kept by supervisors and administrators"),
    "inspection:roster_import_template": Bureau(lambda w: {"fmt": "csv"}),
    "inspection:leave": Bureau(reason="officers' leave: the officer and supervisors"),
    "inspection:leave_decide": Bureau(lambda w: {"pk": 1, "action": "approve"}),
    "inspection:conflicts": Bureau(reason="declared conflicts of interest: the bureau only, never declarants"),
    "inspection:conflict_acknowledge": Bureau(lambda w: {"pk": w.need("conflict").pk}),
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


# --- the agency world -------------------------------------------------------------------------------------------
# A partner agency's key reaches an API route only through a scope the route states (tests/proof/test_agency_scopes.py).
# These routes are the agency's own records, or published to anyone, so a key without any scope may use them.
AGENCY_OWN: dict[str, str] = {
    "api-token": "the token exchange takes a username and password, not a key",
    "api-schema": "the OpenAPI description",
    "api-docs": "the API's documentation page",
    "agency-me": "the client's own record",
    "agency-key-list": "the client's own API keys",
    "agency-key-rotate": "the client rotates its own key",
    "subscription-list": "the client's own webhook subscriptions",
    "subscription-detail": "one of the client's own webhook subscriptions",
    "notification-list": "the client's own notifications",
    "notification-detail": "one of the client's own notifications",
    "notification-mark-read": "the client's own notification",
    "webhook-delivery-list": "deliveries to the client's own endpoints",
    "webhook-delivery-detail": "one delivery to the client's own endpoint",
    "webhook-delivery-replay": "a delivery to the client's own endpoint, sent again",
    "credit-policy-list": "the grade -> inspection-ratio policy table, published",
    "credit-policy-detail": "one published version of the policy table",
    "lab-list": "the registry of accredited laboratories, public information",
    "lab-detail": "an accredited laboratory's public record",
}
