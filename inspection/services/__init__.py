"""Every write of the inspection app, one module per subject; this package re-exports the public names, so
callers write ``from inspection.services import inspection_task_claim``.

Each service is atomic, locks what it changes, writes an audit row and, where the declaration has a timeline,
a declaration event.
"""

from .conflicts import conflict_acknowledge, conflict_declare
from .deadlines import DUE_WORKING_HOURS, inspection_overdue_escalate, site_supervisor_set, task_due_at
from .dispatch import (
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
    REPORT_MAX_AGE_DAYS,
    ReportCheck,
    lab_register,
    lab_reinstate,
    lab_retest_compare,
    lab_revoke,
    lab_suspend,
    test_report_check,
    test_report_submit,
)
from .leave import officer_leave_approve, officer_leave_refuse, officer_leave_request
from .officers import (
    OFFICER_COLUMNS,
    officer_create,
    officer_deactivate,
    officer_profile_ensure,
    officer_reactivate,
    officer_update,
    officers_import,
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
from .roster import (
    ROSTER_COLUMNS,
    officer_shift_add,
    officer_shift_remove,
    roster_cancellation_remove,
    roster_duty_cancel,
    roster_import,
    roster_pattern_add,
    roster_pattern_remove,
)
from .sampling import (
    lab_order_create,
    lab_result_record,
    sample_custody_add,
    sample_take,
)
from .sites import (
    declaration_category,
    site_create,
    site_route,
)

__all__ = [
    "OFFICER_COLUMNS",
    "officer_create",
    "officer_update",
    "officer_deactivate",
    "officer_reactivate",
    "officers_import",
    "officer_profile_ensure",
    "ROSTER_COLUMNS",
    "roster_pattern_add",
    "roster_pattern_remove",
    "roster_duty_cancel",
    "roster_cancellation_remove",
    "roster_import",
    "officer_shift_add",
    "officer_shift_remove",
    "officer_leave_request",
    "officer_leave_approve",
    "officer_leave_refuse",
    "conflict_declare",
    "conflict_acknowledge",
    "site_create",
    "site_route",
    "declaration_category",
    "declaration_confidential_mark",
    "declaration_confidential_unmark",
    "draw_period_commit",
    "draw_period_reveal",
    "draw_periods_rotate",
    "object_draw_for_declaration",
    "DUE_WORKING_HOURS",
    "inspection_overdue_escalate",
    "site_supervisor_set",
    "task_due_at",
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
    "REPORT_MAX_AGE_DAYS",
    "LAB_DISAGREEMENT_LIMIT",
    "LAB_DISAGREEMENT_WINDOW_DAYS",
    "lab_register",
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
