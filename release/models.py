from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.models import Enterprise
from declarations.choices import InspectionPlace, ReleaseMode
from declarations.models import Declaration, ImportJob

from .choices import (
    BulkItemStatus,
    BulkSubmissionStatus,
    ClearanceBasis,
    InspectionResult,
    NegativeListKind,
    NextStep,
    PostCheckResult,
    PostCheckStatus,
    RecallSource,
    RecallStatus,
    ReleaseStatus,
    RiskTier,
    Selection,
)

User = settings.AUTH_USER_MODEL


# --- Policy tables kept by supervisors --------------------------------------------------------------------------


class ReleaseMatrixVersion(models.Model):
    """One version of the release-mode matrix; the highest version is in force. Versions are never edited."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    cells = models.JSONField(_("cells"))  # {tier: {grade: mode}}
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("changed by"))
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("release-mode matrix version")
        verbose_name_plural = _("release-mode matrix versions")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"


class NegativeListEntry(models.Model):
    """Goods on the negative list (负面清单): inspected at the port of entry, at least ``min_mode``."""

    kind = models.CharField(_("kind"), max_length=16, choices=NegativeListKind.choices)
    value = models.CharField(_("HS code prefix or category"), max_length=32)
    min_mode = models.CharField(_("at least"), max_length=16, choices=ReleaseMode.choices,
                                default=ReleaseMode.SUPERVISED)
    reason = models.CharField(_("reason"), max_length=300)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    retired_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("negative list entry")
        verbose_name_plural = _("negative list")
        ordering = ["kind", "value"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], condition=Q(active=True),
                                               name="release_negative_list_active_once")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


class EnterpriseTightening(models.Model):
    """A stricter mode for an enterprise's next consignments, e.g. after a lab failure following sample-release."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="release_tightenings",
                                   verbose_name=_("enterprise"))
    min_mode = models.CharField(_("at least"), max_length=16, choices=ReleaseMode.choices)
    consignments_left = models.PositiveIntegerField(_("consignments left"))
    expires_on = models.DateField(_("expires on"))
    reason = models.CharField(_("reason"), max_length=300)
    source_release = models.ForeignKey("Release", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("stricter supervision of an enterprise")
        verbose_name_plural = _("stricter supervision of enterprises")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["enterprise", "expires_on"])]


# --- The decision and the release -------------------------------------------------------------------------------

    def __str__(self):
        return f"{self.enterprise_id} ≥ {self.min_mode} ({self.consignments_left})"


class ReleaseDecision(models.Model):
    """How a declaration's release mode was chosen: the matrix version, the inputs and what forced it."""

    declaration = models.OneToOneField(Declaration, on_delete=models.PROTECT, related_name="release_decision")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))
    decided_on = models.DateField(_("decided on"), db_index=True)
    port = models.CharField(_("port"), max_length=16)
    grade = models.CharField(_("credit grade"), max_length=2)
    tier = models.CharField(_("risk tier"), max_length=16, choices=RiskTier.choices)
    risk_score = models.FloatField(_("risk score"), null=True, blank=True)
    matrix_version = models.PositiveIntegerField(_("matrix version"))
    matrix_mode = models.CharField(_("mode from the matrix"), max_length=16, choices=ReleaseMode.choices)
    mode = models.CharField(_("release mode"), max_length=16, choices=ReleaseMode.choices)
    # [{"code": "negative_list"|"risk"|"bulletin"|"tightening", "mode": ..., "label": ...}] (bureau only)
    forced_by = models.JSONField(_("made stricter by"), default=list, blank=True)
    random_selected = models.BooleanField(_("drawn for the random control sample"), default=False)
    inspection_required = models.BooleanField(_("inspection required"), default=False)
    inspection_reason = models.CharField(_("inspection reason"), max_length=16, blank=True)
    task = models.ForeignKey("inspection.InspectionTask", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")
    inspection_place = models.CharField(_("inspection place"), max_length=16, choices=InspectionPlace.choices,
                                        default=InspectionPlace.PORT)
    destination_office = models.CharField(_("destination office"), max_length=16, blank=True)
    next_step = models.CharField(_("next step"), max_length=24, choices=NextStep.choices)
    on_hold = models.BooleanField(default=False)
    inputs = models.JSONField(_("inputs"), default=dict)
    # Risk targeting within the grade's budget (release.targeting): the expected harm and the probability of
    # non-conformity it was judged on, why it is inspected as the budget counts it, the cut-offs it was judged by.
    harm = models.FloatField(_("expected harm"), null=True, blank=True)
    hit_probability = models.FloatField(_("probability of non-conformity"), null=True, blank=True)
    selection = models.CharField(_("selected by"), max_length=12, choices=Selection.choices, blank=True)
    cutoffs_version = models.PositiveIntegerField(_("cut-offs version"), null=True, blank=True)
    # The probability that this consignment was inspected, for learning without the selection's bias: 1 for a
    # targeted, forced or matrix inspection, the grade's random ratio for the random control sample, none when not
    # inspected.
    selection_probability = models.FloatField(_("selection probability"), null=True, blank=True)
    # A targeted inspection the sites' capacity moved: to verify-release ("verify") or to the next day ("next_day").
    capacity_moved = models.CharField(_("moved by capacity"), max_length=12, blank=True)

    class Meta:
        verbose_name = _("release decision")
        verbose_name_plural = _("release decisions")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["next_step", "decided_at"])]

    def __str__(self):
        return f"{self.declaration_id} {self.mode}"


class SelectionCutoffs(models.Model):
    """One version of the risk-targeting cut-offs: per grade, the expected harm from which a consignment is
    inspected for its risk, computed over the recent decisions so that the grade's expected inspection rate is its
    budget. Never edited: a recomputation (periodic, or after an activation) is a new version; the highest is in
    force."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    trigger = models.CharField(_("trigger"), max_length=32)
    window_first = models.DateField(_("window from"))
    window_last = models.DateField(_("window to"))
    policy_version = models.PositiveIntegerField(_("inspection policy version"))
    # {grade: release.targeting.GradeCutoff.as_dict()}
    grades = models.JSONField(_("cut-offs per grade"), default=dict)

    class Meta:
        verbose_name = _("selection cut-offs")
        verbose_name_plural = _("selection cut-offs")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"


class Release(models.Model):
    """A released consignment: its trace code, certificate and what became of it afterwards."""

    declaration = models.OneToOneField(Declaration, on_delete=models.PROTECT, related_name="release")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="releases")
    decision = models.OneToOneField(ReleaseDecision, on_delete=models.PROTECT, related_name="release")
    mode = models.CharField(_("release mode"), max_length=16, choices=ReleaseMode.choices)
    status = models.CharField(_("status"), max_length=16, choices=ReleaseStatus.choices,
                              default=ReleaseStatus.RELEASED)
    inspection_result = models.CharField(_("inspection result"), max_length=24, choices=InspectionResult.choices)
    trace_code = models.CharField(_("trace code"), max_length=32, unique=True)
    released_at = models.DateTimeField(_("released at"))
    released_on = models.DateField(_("released on"), db_index=True)
    released_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    port = models.CharField(_("port"), max_length=16)
    grade = models.CharField(_("credit grade"), max_length=2)
    minutes_from_submission = models.PositiveIntegerField(null=True, blank=True)
    minutes_from_arrival = models.PositiveIntegerField(null=True, blank=True)
    # Histogram buckets of the two clearance times (release.clearance.bucket_of), kept for the dashboard.
    bucket_submission = models.PositiveSmallIntegerField(null=True, blank=True)
    bucket_arrival = models.PositiveSmallIntegerField(null=True, blank=True)
    recalled_at = models.DateTimeField(_("recalled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        ordering = ["-released_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-released_at"])]

    def __str__(self):
        return self.trace_code


class Certificate(models.Model):
    """The electronic entry inspection certificate (入境货物检验检疫证明). ``facts`` are what it certifies;
    ``signature`` is the bureau's Ed25519 signature of them by the key ``key_id`` (release/certificates.py), so
    anyone can tell a genuine, unchanged certificate. A revoked certificate stays genuine but no longer valid."""

    release = models.OneToOneField(Release, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    issued_at = models.DateTimeField(_("issued at"))
    facts = models.JSONField(_("facts"))
    key_id = models.CharField(_("key id"), max_length=16, blank=True)
    signature = models.CharField(_("signature"), max_length=100)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


class DistributionRecord(models.Model):
    """Where the importer sold the goods (buyer, quantity, date), so a recall reaches downstream buyers."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="distributions")
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_contact = models.CharField(_("buyer contact (e-mail or phone)"), max_length=200, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3,
                                   validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=16)
    distributed_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The buyer's contact is masked once past its retention (CIQ["PERSONAL_DATA_RETENTION_DAYS"]).
    personal_data_masked_at = models.DateTimeField(_("personal data masked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("distribution record")
        verbose_name_plural = _("distribution records")
        ordering = ["distributed_on", "id"]

    def __str__(self):
        return f"{self.buyer_name} {self.quantity} {self.unit}"


class Recall(models.Model):
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="recalls")
    source = models.CharField(_("cause"), max_length=24, choices=RecallSource.choices)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=8, choices=RecallStatus.choices, default=RecallStatus.OPEN,
                              db_index=True)
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")
        ordering = ["-opened_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["release"], condition=Q(status="open"),
                                               name="release_one_open_recall")]

    def __str__(self):
        return f"{self.release_id} {self.status}"


class RecallNotice(models.Model):
    """The recall as it reaches one downstream buyer, and the buyer's acknowledgement."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="notices")
    distribution = models.ForeignKey(DistributionRecord, on_delete=models.PROTECT, related_name="recall_notices")
    token = models.CharField(max_length=48, unique=True)
    # When the mail server or SMS gateway accepted the notice; empty until then, and for a buyer to be called.
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.CharField(_("acknowledged by"), max_length=120, blank=True)
    acknowledgement_note = models.CharField(_("note"), max_length=500, blank=True)
    # Who acknowledged and the note are masked once past their retention.
    personal_data_masked_at = models.DateTimeField(_("personal data masked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recall notice")
        verbose_name_plural = _("recall notices")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["recall", "distribution"], name="release_notice_once")]

    def __str__(self):
        return f"{self.recall_id} → {self.distribution_id}"


class PostReleaseCheck(models.Model):
    """A post-release check (后续核查) of a released consignment."""

    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="post_checks")
    scheduled_for = models.DateField(_("scheduled for"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=PostCheckStatus.choices,
                              default=PostCheckStatus.SCHEDULED, db_index=True)
    result = models.CharField(_("result"), max_length=12, choices=PostCheckResult.choices, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post-release check")
        verbose_name_plural = _("post-release checks")
        ordering = ["scheduled_for", "id"]

    def __str__(self):
        return f"{self.release_id} {self.scheduled_for}"


# --- Drafts submitted together ---------------------------------------------------------------------------------


class BulkSubmission(models.Model):
    """Drafts a declarant submits together (chosen, or all of a bulk import): a task runs each through the clearance
    pipeline on its own, and the page follows its progress."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("enterprise"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by"))
    import_job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("bulk import"))
    status = models.CharField(_("status"), max_length=12, choices=BulkSubmissionStatus.choices,
                              default=BulkSubmissionStatus.PENDING)
    # The submitter's language: the refusals are written in it.
    language = models.CharField(max_length=16, blank=True)
    total = models.PositiveIntegerField(_("declarations"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bulk submission")
        verbose_name_plural = _("bulk submissions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.pk} ({self.status})"


class BulkSubmissionItem(models.Model):
    """One draft of a bulk submission: its release mode once submitted, or the errors that refused it."""

    submission = models.ForeignKey(BulkSubmission, on_delete=models.CASCADE, related_name="items")
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("declaration"))
    position = models.PositiveIntegerField()
    status = models.CharField(_("status"), max_length=12, choices=BulkItemStatus.choices,
                              default=BulkItemStatus.PENDING)
    release_mode = models.CharField(_("release mode"), max_length=16, choices=ReleaseMode.choices, blank=True)
    errors = models.JSONField(_("errors"), default=dict, blank=True)  # {field: [messages]}

    class Meta:
        ordering = ["submission", "position"]
        constraints = [models.UniqueConstraint(fields=["submission", "declaration"], name="release_bulk_item_once")]

    def __str__(self):
        return f"{self.submission_id}/{self.declaration_id} {self.status}"


# --- Materialised dashboard figures (refreshed by a Celery task) ------------------------------------------------


class DailyReleaseStat(models.Model):
    """Counts per day, port, grade and mode; each measure counted on the day it happened."""

    day = models.DateField()
    port = models.CharField(max_length=16)
    grade = models.CharField(max_length=2)
    mode = models.CharField(max_length=16)
    decided = models.PositiveIntegerField(default=0)
    inspected = models.PositiveIntegerField(default=0)
    random_selected = models.PositiveIntegerField(default=0)
    released = models.PositiveIntegerField(default=0)
    clear_sub_count = models.PositiveIntegerField(default=0)
    clear_sub_minutes = models.BigIntegerField(default=0)
    clear_arr_count = models.PositiveIntegerField(default=0)
    clear_arr_minutes = models.BigIntegerField(default=0)
    concluded_targeted = models.PositiveIntegerField(default=0)
    nonconform_targeted = models.PositiveIntegerField(default=0)
    concluded_random = models.PositiveIntegerField(default=0)
    nonconform_random = models.PositiveIntegerField(default=0)
    lab_resulted = models.PositiveIntegerField(default=0)
    lab_minutes = models.BigIntegerField(default=0)
    # The inspection budget's counts (release.selectors.budget): the decisions not on hold, what they inspected,
    # drew at random and moved by capacity, and what each selection inspected.
    budget_decided = models.PositiveIntegerField(default=0)
    budget_inspected = models.PositiveIntegerField(default=0)
    budget_drawn = models.PositiveIntegerField(default=0)
    budget_moved = models.PositiveIntegerField(default=0)
    budget_forced = models.PositiveIntegerField(default=0)
    budget_targeted = models.PositiveIntegerField(default=0)
    budget_random = models.PositiveIntegerField(default=0)
    budget_matrix = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "port", "grade", "mode"], name="release_stat_key")]
        indexes = [models.Index(fields=["day", "port", "grade"])]

    def __str__(self):
        return f"{self.day} {self.port} {self.grade} {self.mode}"


class DailySiteStat(models.Model):
    """The inspections each site was given per decision day, port and grade, and how the budget selected them."""

    day = models.DateField()
    port = models.CharField(max_length=16)
    grade = models.CharField(max_length=2)
    site = models.ForeignKey("inspection.InspectionSite", on_delete=models.CASCADE, related_name="+")
    inspections = models.PositiveIntegerField(default=0)
    forced = models.PositiveIntegerField(default=0)
    targeted = models.PositiveIntegerField(default=0)
    random = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "port", "grade", "site"], name="release_site_stat_key")]
        indexes = [models.Index(fields=["day", "port", "grade"], name="release_site_stat_day")]

    def __str__(self):
        return f"{self.day} {self.port} {self.grade} {self.site_id}"


class ClearanceHistogram(models.Model):
    """Counts of clearance times per bucket (release.clearance.BUCKET_EDGES), port, grade, mode and basis, over the
    period its concrete model names."""

    port = models.CharField(max_length=16)
    grade = models.CharField(max_length=2)
    mode = models.CharField(max_length=16)
    basis = models.CharField(max_length=12, choices=ClearanceBasis.choices)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        abstract = True


class ClearanceBucket(ClearanceHistogram):
    """A histogram of clearance times per day, port, grade, mode and basis."""

    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "port", "grade", "mode", "basis", "bucket"],
                                               name="release_bucket_key")]
        indexes = [models.Index(fields=["basis", "day"])]

    def __str__(self):
        return f"{self.day} {self.port} {self.grade} {self.mode} {self.basis} #{self.bucket}"


class ClearanceBucketMonth(ClearanceHistogram):
    """The same histogram rolled up per calendar month (``month`` is its first day): a period's whole months are
    read from here and only its partial months from the daily rows."""

    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "port", "grade", "mode", "basis", "bucket"],
                                               name="release_bucket_month_key")]
        indexes = [models.Index(fields=["basis", "month"])]

    def __str__(self):
        return f"{self.month} {self.port} {self.grade} {self.mode} {self.basis} #{self.bucket}"


class StageHistogram(models.Model):
    """Counts and total minutes of one stage of the Time Release Study (release.stages) per bucket
    (release.clearance.BUCKET_EDGES), port, grade, inspection site ("" when not inspected) and mode, over the period
    its concrete model names."""

    port = models.CharField(max_length=16)
    grade = models.CharField(max_length=2)
    site = models.CharField(max_length=16)
    mode = models.CharField(max_length=16)
    stage = models.CharField(max_length=24)
    bucket = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()
    minutes = models.BigIntegerField()

    class Meta:
        abstract = True


class StageBucket(StageHistogram):
    """The stage histogram per day of release."""

    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "port", "grade", "site", "mode", "stage", "bucket"],
                                               name="release_stage_bucket_key")]
        indexes = [models.Index(fields=["day", "stage"])]

    def __str__(self):
        return f"{self.day} {self.port} {self.grade} {self.site} {self.mode} {self.stage} #{self.bucket}"


class StageBucketMonth(StageHistogram):
    """The stage histogram rolled up per calendar month of release (``month`` is its first day)."""

    month = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "port", "grade", "site", "mode", "stage", "bucket"],
                                               name="release_stage_bucket_month_key")]
        indexes = [models.Index(fields=["month", "stage"])]

    def __str__(self):
        return f"{self.month} {self.port} {self.grade} {self.site} {self.mode} {self.stage} #{self.bucket}"


class OfficerDailyStat(models.Model):
    """Inspections concluded per officer and day (the workload figure's history)."""

    day = models.DateField()
    officer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    concluded = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "officer"], name="release_officer_day_key")]

    def __str__(self):
        return f"{self.day} {self.officer_id}"


class StatsRefresh(models.Model):
    refreshed_at = models.DateTimeField()
    first_day = models.DateField()
    last_day = models.DateField()
    rows = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        ordering = ["-refreshed_at"]

    def __str__(self):
        return f"{self.first_day}–{self.last_day} at {self.refreshed_at}"
