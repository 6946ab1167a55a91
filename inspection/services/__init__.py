"""Every write of the inspection app, one module per subject; this package re-exports the public names, so
callers write ``from inspection.services import inspection_task_claim``.

Each service is atomic, locks what it changes, writes an audit row and, where the declaration has a timeline,
a declaration event.
"""

from .dispatch import (
    DUE_HOURS,
    INSPECTOR_DISPATCH_PENDING_KEY,
    inspection_dispatch_new,
    inspection_dispatch_pool,
    inspection_task_create,
    inspection_tasks_dispatch,
)
from .draw_periods import (
    draw_period_commit,
    draw_period_reveal,
    draw_periods_rotate,
    object_draw_for_declaration,
)
from .joint import (
    joint_finding_record,
    joint_inspection_request,
    joint_inspection_schedule,
)
from .labs import (
    LAB_DISAGREEMENT_LIMIT,
    LAB_DISAGREEMENT_WINDOW_DAYS,
    LAB_RETEST_TOLERANCE,
    REPORT_MAX_AGE_DAYS,
    ReportCheck,
    lab_disagreements,
    lab_policy_current,
    lab_policy_set,
    lab_register,
    lab_reinstate,
    lab_retest_compare,
    lab_revoke,
    lab_suspend,
    lab_update,
    test_report_check,
    test_report_submit,
)
from .limits import (
    LIMIT_IMPORT_COLUMNS,
    test_item_create,
    test_item_update,
    test_limit_set,
    test_limits_import,
    test_limits_import_errors,
)
from .officers import (
    conflict_declare,
    officer_leave_add,
    officer_profile_ensure,
    officer_shift_add,
)
from .publication import declaration_confidential_mark, declaration_confidential_unmark
from .queue import (
    REMINDER_INTERVAL,
    inspection_reminders_send,
    inspection_task_claim,
    inspection_task_claim_next,
    inspection_task_reassign,
    inspection_task_release,
)
from .record import (
    inspection_checklist_save,
    inspection_conclude,
    inspection_findings_save,
    inspection_photo_add,
)
from .sampling import (
    lab_order_create,
    lab_result_record,
    sample_custody_add,
    sample_take,
)
from .sites import (
    declaration_category,
    declaration_dg_classes,
    site_close,
    site_create,
    site_route,
    site_update,
)

__all__ = [
    "officer_profile_ensure",
    "officer_shift_add",
    "officer_leave_add",
    "conflict_declare",
    "site_create",
    "site_update",
    "site_close",
    "site_route",
    "declaration_category",
    "declaration_dg_classes",
    "declaration_confidential_mark",
    "declaration_confidential_unmark",
    "draw_period_commit",
    "draw_period_reveal",
    "draw_periods_rotate",
    "object_draw_for_declaration",
    "DUE_HOURS",
    "INSPECTOR_DISPATCH_PENDING_KEY",
    "inspection_task_create",
    "inspection_tasks_dispatch",
    "inspection_dispatch_new",
    "inspection_dispatch_pool",
    "REMINDER_INTERVAL",
    "inspection_task_claim",
    "inspection_task_claim_next",
    "inspection_task_release",
    "inspection_task_reassign",
    "inspection_reminders_send",
    "inspection_checklist_save",
    "inspection_findings_save",
    "inspection_photo_add",
    "inspection_conclude",
    "sample_take",
    "sample_custody_add",
    "lab_order_create",
    "lab_result_record",
    "LIMIT_IMPORT_COLUMNS",
    "test_item_create",
    "test_item_update",
    "test_limit_set",
    "test_limits_import",
    "test_limits_import_errors",
    "REPORT_MAX_AGE_DAYS",
    "LAB_DISAGREEMENT_LIMIT",
    "LAB_DISAGREEMENT_WINDOW_DAYS",
    "LAB_RETEST_TOLERANCE",
    "lab_disagreements",
    "lab_policy_current",
    "lab_policy_set",
    "lab_register",
    "lab_update",
    "lab_suspend",
    "lab_revoke",
    "lab_reinstate",
    "ReportCheck",
    "test_report_check",
    "test_report_submit",
    "lab_retest_compare",
    "joint_inspection_request",
    "joint_inspection_schedule",
    "joint_finding_record",
]
