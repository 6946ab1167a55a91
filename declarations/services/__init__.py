"""Every write to declarations, goods lines, documents, registrations and logistics events, one module per subject;
import them from here (``from declarations.services import declaration_submit``).

- ``drafts``: a draft's header and goods lines; ``numbering``: declaration numbers;
- ``lifecycle``: one service per move of a declaration (submission and its checks, the bureau's and the pipeline's
  moves), each with its timeline event, audit row and notifications; ``timeline``: the timeline every app writes;
- ``documents``: uploaded files checked by their bytes, and the documents a declaration's goods need;
- ``registrations``: importer filings and overseas manufacturer registrations;
- ``logistics``: the single window's logistics events of a container;
- ``reference``: the bureau's document requirements and HS nomenclature, with effective dates and HS editions, and
  its ports.
"""

from ciq_portal.stored_files import MAGIC, sniff_content_type

from .documents import DOCUMENT_RULES_KEY, document_upload, documents_errors, required_documents
from .drafts import (
    declaration_create,
    declaration_delete,
    declaration_draft_errors,
    declaration_update,
    goods_line_add,
    goods_line_delete,
    goods_line_update,
)
from .lifecycle import (
    DUPLICATE_WINDOW_DAYS,
    declaration_answer,
    declaration_await_inspection,
    declaration_check_complete,
    declaration_duplicates,
    declaration_hold,
    declaration_reject,
    declaration_release,
    declaration_request_documents,
    declaration_start_inspection,
    declaration_submit,
    declaration_withdraw,
)
from .logistics import (
    ARRIVAL_KINDS,
    CLOSED_FOR_LOGISTICS,
    LOGISTICS_FUTURE_TOLERANCE,
    LOGISTICS_LOOKBACK_DAYS,
    logistics_declarations_for,
    logistics_event_push,
)
from .numbering import declaration_number_next
from .reference import (
    HS_EDITION_COLUMNS,
    document_requirement_create,
    document_requirement_update,
    hs_code_create,
    hs_code_update,
    hs_edition_errors,
    hs_edition_import,
    port_create,
    port_update,
)
from .registrations import (
    REGISTRATION_MOVES,
    REGULATED_GOODS_KEY,
    registration_apply,
    registration_decide,
    registration_document_upload,
    registration_errors,
    regulated_goods_rules,
)
from .timeline import declaration_event_add

__all__ = [
    "ARRIVAL_KINDS",
    "CLOSED_FOR_LOGISTICS",
    "DOCUMENT_RULES_KEY",
    "HS_EDITION_COLUMNS",
    "document_requirement_create",
    "document_requirement_update",
    "hs_code_create",
    "hs_code_update",
    "hs_edition_errors",
    "hs_edition_import",
    "port_create",
    "port_update",
    "DUPLICATE_WINDOW_DAYS",
    "LOGISTICS_FUTURE_TOLERANCE",
    "LOGISTICS_LOOKBACK_DAYS",
    "MAGIC",
    "REGISTRATION_MOVES",
    "REGULATED_GOODS_KEY",
    "declaration_answer",
    "declaration_await_inspection",
    "declaration_check_complete",
    "declaration_create",
    "declaration_delete",
    "declaration_draft_errors",
    "declaration_duplicates",
    "declaration_event_add",
    "declaration_hold",
    "declaration_number_next",
    "declaration_reject",
    "declaration_release",
    "declaration_request_documents",
    "declaration_start_inspection",
    "declaration_submit",
    "declaration_update",
    "declaration_withdraw",
    "document_upload",
    "documents_errors",
    "goods_line_add",
    "goods_line_delete",
    "goods_line_update",
    "logistics_declarations_for",
    "logistics_event_push",
    "registration_apply",
    "registration_decide",
    "registration_document_upload",
    "registration_errors",
    "regulated_goods_rules",
    "required_documents",
    "sniff_content_type",
]
