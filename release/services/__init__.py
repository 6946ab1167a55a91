"""Every write of the release app, one module per subject; import them from here (``from release.services import
clearance_submit``).

- ``pipeline``: the clearance pipeline, sequenced there and nowhere else: submitting a declaration
  (:func:`clearance_submit`), resuming a held one, releasing right after sampling (:func:`sample_release`),
  concluding an inspection (:func:`clearance_conclude`) and the beat task's sweep (:func:`clearance_settle_pending`)
  that settles any inspection concluded or sampled through another app's pages;
- ``decision``: the release decision's writer (:func:`release_decide`; its rules are ``release.deciding``'s);
- ``releasing``: the release itself, with its trace code and signed certificate;
- ``verification``: verify-release (a third-party report supplied, then verified or refused by an officer);
- ``recalls`` and ``post_checks``: distribution records, recalls and their notices, post-release checks;
- ``policy``: the supervisors' matrix and negative list;
- ``retention``: personal data masked once past its retention;
- ``stats_refresh``: the dashboard's materialised figures;
- ``bulk_submit``: drafts submitted together (chosen, or all of a bulk import), each through the pipeline;
- ``budget_watch``: supervisors told when a grade's inspection rate leaves its budget;
- ``targeting``: the risk-targeting cut-offs that keep each grade's inspections within its budget.
"""

from .budget_watch import budget_deviations_notify
from .bulk_submit import bulk_submission_run, bulk_submission_start
from .decision import release_decide
from .pipeline import (
    TIGHTENING_CONSIGNMENTS,
    TIGHTENING_DAYS,
    clearance_conclude,
    clearance_resume,
    clearance_sample,
    clearance_settle,
    clearance_settle_pending,
    clearance_submit,
    resume_possible,
    sample_release,
    sample_release_possible,
)
from .policy import NEGATIVE_LIST_MODES, negative_list_add, negative_list_retire, release_matrix_update
from .post_checks import post_check_record, post_check_schedule
from .recalls import (
    distribution_record_add,
    recall_close,
    recall_notice_acknowledge,
    recall_notice_notified,
    recall_open,
)
from .releasing import certificate_revoke, consignment_release
from .retention import personal_data_mask
from .stats_refresh import STATS_PENDING_KEY, release_stats_refresh
from .targeting import selection_cutoffs_compute, selection_cutoffs_queue
from .verification import awaits_verification, verify_release_decide, verify_report_supplied, verify_report_supply

__all__ = [
    "NEGATIVE_LIST_MODES",
    "STATS_PENDING_KEY",
    "TIGHTENING_CONSIGNMENTS",
    "TIGHTENING_DAYS",
    "awaits_verification",
    "bulk_submission_run",
    "bulk_submission_start",
    "budget_deviations_notify",
    "certificate_revoke",
    "clearance_conclude",
    "clearance_resume",
    "clearance_sample",
    "clearance_settle",
    "clearance_settle_pending",
    "clearance_submit",
    "consignment_release",
    "distribution_record_add",
    "negative_list_add",
    "negative_list_retire",
    "personal_data_mask",
    "post_check_record",
    "post_check_schedule",
    "recall_close",
    "recall_notice_acknowledge",
    "recall_notice_notified",
    "recall_open",
    "release_decide",
    "release_matrix_update",
    "release_stats_refresh",
    "sample_release",
    "selection_cutoffs_compute",
    "selection_cutoffs_queue",
    "resume_possible",
    "sample_release_possible",
    "verify_release_decide",
    "verify_report_supplied",
    "verify_report_supply",
]
