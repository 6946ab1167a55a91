from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciq_portal.i18n import name_for_reader
from credit.models import Enterprise
from declarations.models import Declaration, Document

from .choices import (
    Agency,
    Conclusion,
    CustodyAction,
    Disposition,
    DrawKind,
    JointKind,
    JointStatus,
    LabKind,
    LabOrderStatus,
    LabStatus,
    LeaveStatus,
    Priority,
    SiteCapability,
    SiteKind,
    TaskReason,
    TaskStatus,
    Weekday,
)

User = settings.AUTH_USER_MODEL


class InspectionSite(models.Model):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=SiteKind.choices, default=SiteKind.GENERAL)
    port = models.CharField(_("port"), max_length=16, db_index=True)
    capacity_per_day = models.PositiveIntegerField(_("capacity per day"), default=50)
    active = models.BooleanField(_("active"), default=True)
    # Whom an overdue inspection at this site escalates to (inspection.services.inspection_overdue_escalate).
    supervisor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("supervisor"))
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True)  # SiteCapability values
    # The hazard classes a dangerous-goods site takes; none listed: every class.
    dg_classes = models.JSONField(_("dangerous-goods classes"), default=list, blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inspection site")
        verbose_name_plural = _("inspection sites")
        ordering = ["port", "code"]

    def __str__(self):
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self):
        return name_for_reader(self.name, self.name_en)

    @property
    def capability_labels(self) -> str:
        return ", ".join(str(SiteCapability(code).label) for code in self.capabilities or () if code in
                         SiteCapability.values)

    @property
    def abilities(self) -> set[str]:
        """The site kinds it can stand in for: its own kind and its capabilities."""
        return {self.kind, *(self.capabilities or [])}


class SiteClosure(models.Model):
    """A site closed for a period (works, an outbreak, a storm): nothing is routed to it then, and its open tasks
    were re-routed when it was closed."""

    site = models.ForeignKey(InspectionSite, on_delete=models.CASCADE, related_name="closures",
                             verbose_name=_("site"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=300)
    rerouted = models.PositiveIntegerField(_("tasks re-routed"), default=0)
    closed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("closed by"))
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("site closure")
        verbose_name_plural = _("site closures")
        ordering = ["-first_day", "-id"]
        constraints = [models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")),
                                              name="inspection_closure_order")]

    def __str__(self):
        return f"{self.site_id} {self.first_day} → {self.last_day}"


class OfficerProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="officer_profile")
    badge_no = models.CharField(_("badge number"), max_length=16, unique=True)
    categories = models.JSONField(_("qualified commodity categories"), default=list, blank=True)
    sites = models.ManyToManyField(InspectionSite, blank=True, related_name="officers",
                                   verbose_name=_("qualified sites"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("officer profile")
        verbose_name_plural = _("officer profiles")
        ordering = ["badge_no"]

    def __str__(self):
        return f"{self.badge_no} {self.user.get_full_name() or self.user.username}"


class RosterPattern(models.Model):
    """One weekly duty of an officer at a site: every ``weekday`` from ``starts_at`` to ``ends_at`` (local time; an
    end at or before the start ends the next day, a night shift), from ``valid_from`` until ``valid_until``."""

    officer = models.ForeignKey(OfficerProfile, on_delete=models.CASCADE, related_name="roster",
                                verbose_name=_("officer"))
    site = models.ForeignKey(InspectionSite, on_delete=models.CASCADE, related_name="roster", verbose_name=_("site"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly duty")
        verbose_name_plural = _("weekly duties")
        ordering = ["officer", "weekday", "starts_at"]
        indexes = [models.Index(fields=["weekday", "valid_from"], name="insp_roster_weekday"),
                   models.Index(fields=["site", "weekday"], name="insp_roster_site")]
        constraints = [models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(
            valid_until__gte=models.F("valid_from")), name="inspection_roster_validity_order")]

    def __str__(self):
        return f"{self.officer_id} {self.site_id} {self.weekday} {self.starts_at}-{self.ends_at}"


class RosterCancellation(models.Model):
    """A dated exception to the weekly roster: the duty ``pattern`` does not take place on ``day``."""

    pattern = models.ForeignKey(RosterPattern, on_delete=models.CASCADE, related_name="cancellations",
                                verbose_name=_("weekly duty"))
    day = models.DateField(_("day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cancelled duty")
        verbose_name_plural = _("cancelled duties")
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["pattern", "day"], name="inspection_roster_cancel_once")]

    def __str__(self):
        return f"{self.pattern_id} {self.day}"


class OfficerShift(models.Model):
    """A dated extra shift beside the weekly roster. A shift without a site (kept from before sites were rostered)
    counts at every site the officer is qualified for."""

    officer = models.ForeignKey(OfficerProfile, on_delete=models.CASCADE, related_name="shifts")
    site = models.ForeignKey(InspectionSite, on_delete=models.CASCADE, null=True, blank=True, related_name="shifts",
                             verbose_name=_("site"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("extra shift")
        verbose_name_plural = _("extra shifts")
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="inspection_shift_ends_after_start")]

    def __str__(self):
        return f"{self.officer_id} {self.starts_at} → {self.ends_at}"


class OfficerLeave(models.Model):
    """Leave the officer asks for; only approved leave takes the officer off duty, whole days."""

    officer = models.ForeignKey(OfficerProfile, on_delete=models.CASCADE, related_name="leave",
                                verbose_name=_("officer"))
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=LeaveStatus.choices, default=LeaveStatus.REQUESTED)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["-first_day", "-id"]
        indexes = [models.Index(fields=["status", "first_day", "last_day"], name="insp_leave_status_days")]
        constraints = [models.CheckConstraint(condition=Q(last_day__gte=models.F("first_day")),
                                              name="inspection_leave_order")]

    def __str__(self):
        return f"{self.officer_id} {self.first_day} → {self.last_day}"


class ConflictOfInterest(models.Model):
    """An officer's declared conflict with an enterprise: the officer is kept from its inspections from the moment
    it is declared; a supervisor acknowledges it."""

    officer = models.ForeignKey(OfficerProfile, on_delete=models.CASCADE, related_name="conflicts",
                                verbose_name=_("officer"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("enterprise"))
    reason = models.CharField(_("reason"), max_length=200)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                        verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        ordering = ["-declared_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["officer", "enterprise"], name="inspection_conflict_once")]

    def __str__(self):
        return f"{self.officer_id} {self.enterprise_id}"


# --- Dual-random record ----------------------------------------------------------------------------------------


class DrawPeriod(models.Model):
    """One day's seed: its commitment is public from ``committed_at``, the seed itself from ``revealed_at``."""

    day = models.DateField(_("day"), unique=True)
    seed = models.CharField(max_length=64)
    commitment = models.CharField(_("commitment (SHA-256)"), max_length=64)
    algorithm = models.CharField(_("algorithm"), max_length=32)
    committed_at = models.DateTimeField(_("committed at"))
    revealed_at = models.DateTimeField(_("revealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("draw period")
        verbose_name_plural = _("draw periods")
        ordering = ["-day"]

    def __str__(self):
        return str(self.day)

    @property
    def revealed(self) -> bool:
        return self.revealed_at is not None


class Draw(models.Model):
    """One draw: its inputs, so anyone can re-run it with the period's seed, and its result."""

    period = models.ForeignKey(DrawPeriod, on_delete=models.PROTECT, related_name="draws")
    kind = models.CharField(_("kind"), max_length=8, choices=DrawKind.choices)
    subject = models.CharField(_("subject"), max_length=64)
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="inspection_draws")
    task = models.ForeignKey("InspectionTask", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="draws")
    inputs = models.JSONField(_("inputs"))
    result = models.JSONField(_("result"))
    selected = models.BooleanField(_("selected"), default=False)
    chosen = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["kind", "subject"], name="inspection_draw_once")]

    def __str__(self):
        return f"{self.kind} {self.subject}"


class ConfidentialMark(models.Model):
    """The bureau's mark that a declaration stays out of the public record (一公开): its enterprise and goods are
    not shown with its draws, and its inspection's outcome is not published (e.g. a case under investigation).
    Set and lifted by supervisors, audited; the draws themselves stay published, so they can still be re-run."""

    declaration = models.OneToOneField(Declaration, on_delete=models.CASCADE, related_name="confidential_mark",
                                       verbose_name=_("declaration"))
    reason = models.CharField(_("reason"), max_length=300)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("marked by"))
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("confidential mark")
        verbose_name_plural = _("confidential marks")

    def __str__(self):
        return f"{self.declaration_id}: {self.reason}"


class ObjectDrawManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=DrawKind.OBJECT)


class ObjectDraw(Draw):
    """The draw of objects for one declaration (``selected``: drawn for the random control sample)."""

    objects = ObjectDrawManager()

    class Meta:
        proxy = True
        verbose_name = _("draw of objects")
        verbose_name_plural = _("draws of objects")


# --- Tasks and the inspection record ----------------------------------------------------------------------------


class InspectionTask(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="inspection_tasks")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="inspection_tasks")
    reason = models.CharField(_("reason"), max_length=16, choices=TaskReason.choices)
    mode = models.CharField(_("release mode"), max_length=16, blank=True)
    category = models.CharField(_("commodity category"), max_length=32, blank=True)
    site = models.ForeignKey(InspectionSite, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="tasks", verbose_name=_("site"))
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.QUEUED)
    assigned_to = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("inspector"))
    sampling_required = models.BooleanField(_("sampling required"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    # When the draw of people last ran for it: new tasks (never drawn for) are dispatched a second after they
    # commit, the pool's by the beat.
    drawn_at = models.DateTimeField(_("last draw of people"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to the supervisor at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    # Checklist answers {item: {"ok": true|false|null, "note": ""}}, findings and the conclusion.
    checklist = models.JSONField(_("checklist"), default=dict, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    conclusion = models.CharField(_("conclusion"), max_length=16, choices=Conclusion.choices, blank=True)
    disposition = models.CharField(_("disposition"), max_length=24, choices=Disposition.choices, blank=True)
    concluded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("inspection task")
        verbose_name_plural = _("inspection tasks")
        ordering = ["priority", "created_at", "id"]
        indexes = [
            models.Index(fields=["assigned_to", "status", "priority", "created_at"], name="insp_task_queue"),
            # An officer's open queue in page order, read 50 rows at a time whatever the history behind it.
            models.Index(fields=["assigned_to", "priority", "created_at", "id"], name="insp_task_open_queue",
                         condition=Q(status__in=["assigned", "claimed"])),
            models.Index(fields=["status", "priority", "created_at"], name="insp_task_pool"),
            models.Index(fields=["priority", "created_at"], name="insp_task_new",
                         condition=Q(status="queued", drawn_at__isnull=True)),
            models.Index(fields=["enterprise", "-assigned_at"], name="insp_task_ent_last"),
            models.Index(fields=["site", "scheduled_for"], name="insp_task_site_day"),
            models.Index(fields=["status", "due_at"], name="insp_task_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(conclusion="non_conform") | ~Q(disposition=""), name="inspection_nonconform_disposed"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.declaration_id}"

    @property
    def is_open(self) -> bool:
        return self.status in (TaskStatus.QUEUED, TaskStatus.ASSIGNED, TaskStatus.CLAIMED)


class TaskNoteKind(models.TextChoices):
    RELEASE = "release", _("Released back to the pool")
    REASSIGN = "reassign", _("Reassigned")
    CANCEL = "cancel", _("Cancelled")


class TaskNote(models.Model):
    """Why a task changed hands (release, reassignment) — the supervisor's reason is kept here too."""

    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=TaskNoteKind.choices)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_officer = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    to_officer = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.task_id} {self.kind}"


def photo_upload_to(instance, filename):
    return f"inspection/{instance.task.enterprise_id}/{instance.task_id}/{filename}"


class InspectionPhoto(models.Model):
    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_upload_to)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    taken_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_at", "id"]

    def __str__(self):
        return f"{self.task_id} {self.image}"


class Sample(models.Model):
    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="samples")
    sample_no = models.CharField(_("sample number"), max_length=32, unique=True)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3,
                                   validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=16)
    seal_no = models.CharField(_("seal number"), max_length=32)
    taken_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["taken_at", "id"]

    def __str__(self):
        return self.sample_no


class CustodyEntry(models.Model):
    """Chain of custody: every hand-over of a sample, with the seal checked."""

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="custody")
    action = models.CharField(_("action"), max_length=32)
    holder = models.CharField(_("holder"), max_length=120)
    seal_intact = models.BooleanField(_("seal intact"), default=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.sample_id} {self.action}"

    @property
    def action_label(self) -> str:
        """The action in the reader's language where the system wrote it, else as the officer typed it."""
        return CustodyAction(self.action).label if self.action in CustodyAction.values else self.action


class Lab(models.Model):
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=LabKind.choices, default=LabKind.THIRD_PARTY)
    accreditation_no = models.CharField(_("accreditation number"), max_length=32, unique=True)
    scope_categories = models.JSONField(_("scope: commodity categories"), default=list, blank=True)
    scope_test_items = models.JSONField(_("scope: test items"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=12, choices=LabStatus.choices, default=LabStatus.ACTIVE)
    # The laboratory's own system: the agency client whose API keys post its results, and the Ed25519 public key
    # (PEM) that checks each posting's signature (the laboratory keeps the private key).
    api_client = models.OneToOneField("ciq_portal.AgencyClient", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="laboratory", verbose_name=_("API client"))
    signing_public_key = models.TextField(_("public key of its result signatures (PEM)"), blank=True)

    class Meta:
        verbose_name = _("laboratory")
        verbose_name_plural = _("laboratories")
        ordering = ["name"]

    def __str__(self):
        return f"{self.display_name} ({self.accreditation_no})"

    @property
    def display_name(self):
        return name_for_reader(self.name, self.name_en)


class LabPolicy(models.Model):
    """The bureau's rule for re-tests, in versions (the latest applies): past ``disagreement_limit`` disagreements
    within ``window_days`` a laboratory is suspended automatically. Set by supervisors."""

    disagreement_limit = models.PositiveSmallIntegerField(_("disagreements before suspension"))
    window_days = models.PositiveSmallIntegerField(_("counted over (days)"))
    tolerance = models.DecimalField(_("relative tolerance of a re-test"), max_digits=6, decimal_places=4)
    set_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("set by"))
    set_at = models.DateTimeField(_("set at"), auto_now_add=True)

    class Meta:
        verbose_name = _("laboratory policy")
        verbose_name_plural = _("laboratory policies")
        ordering = ["-set_at", "-id"]

    def __str__(self):
        return f"{self.disagreement_limit} / {self.window_days} d"


class LabStatusChange(models.Model):
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12)
    to_status = models.CharField(max_length=12)
    reason = models.TextField(_("reason"))
    automatic = models.BooleanField(default=False)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.lab_id} {self.from_status} → {self.to_status}"


class LabOrder(models.Model):
    task = models.ForeignKey(InspectionTask, on_delete=models.CASCADE, related_name="lab_orders")
    sample = models.ForeignKey(Sample, on_delete=models.PROTECT, related_name="lab_orders")
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, related_name="orders")
    test_items = models.JSONField(_("test items"))
    status = models.CharField(_("status"), max_length=12, choices=LabOrderStatus.choices,
                              default=LabOrderStatus.ORDERED)
    ordered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    ordered_at = models.DateTimeField(auto_now_add=True)
    resulted_at = models.DateTimeField(null=True, blank=True)
    # Results the laboratory's system posted: the exact body it signed and its Ed25519 signature, kept as evidence.
    results_signed_body = models.TextField(blank=True)
    results_signature = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["ordered_at", "id"]

    def __str__(self):
        return f"#{self.pk} {self.sample_id} → {self.lab_id}"


class TestItem(models.Model):
    """A test a laboratory performs (lead, cadmium, total plate count...), measured in one unit."""

    __test__ = False  # not a pytest class

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120, blank=True)
    unit = models.CharField(_("unit"), max_length=16)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("test item")
        verbose_name_plural = _("test items")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} ({self.unit})"

    @property
    def display_name(self):
        return name_for_reader(self.name, self.name_en)


class TestLimit(models.Model):
    """One version of a test item's limit for a commodity category: a new version starts the day the previous one
    ends, so a result is always judged by the limit in force on the day it is recorded."""

    __test__ = False  # not a pytest class

    item = models.ForeignKey(TestItem, on_delete=models.PROTECT, related_name="limits", verbose_name=_("test item"))
    category = models.CharField(_("commodity category"), max_length=32)
    version = models.PositiveIntegerField(_("version"))
    limit_min = models.DecimalField(_("lower limit"), max_digits=16, decimal_places=6, null=True, blank=True)
    limit_max = models.DecimalField(_("upper limit"), max_digits=16, decimal_places=6, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16)
    basis = models.CharField(_("legal basis"), max_length=120, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("test limit")
        verbose_name_plural = _("test limits")
        ordering = ["item__code", "category", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["item", "category", "version"], name="inspection_limit_version_once"),
            models.CheckConstraint(condition=Q(limit_min__isnull=False) | Q(limit_max__isnull=False),
                                   name="inspection_limit_has_a_bound"),
        ]

    def __str__(self):
        return f"{self.item_id} {self.category} v{self.version}"


class LabResult(models.Model):
    order = models.ForeignKey(LabOrder, on_delete=models.CASCADE, related_name="results")
    test_item = models.CharField(_("test item"), max_length=64)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    limit_min = models.DecimalField(_("lower limit"), max_digits=16, decimal_places=6, null=True, blank=True)
    limit_max = models.DecimalField(_("upper limit"), max_digits=16, decimal_places=6, null=True, blank=True)
    passed = models.BooleanField(_("within limits"))
    # The version of the limits table that judged it (none: limits typed for an item the table lacks).
    limit = models.ForeignKey(TestLimit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("limit applied"))
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "test_item"]
        constraints = [models.UniqueConstraint(fields=["order", "test_item"], name="inspection_result_once")]

    def __str__(self):
        return f"{self.order_id} {self.test_item}"


class TestReport(models.Model):
    """A third-party test report submitted with a declaration, with the details its acceptance is checked on."""

    __test__ = False  # not a pytest class

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="test_reports")
    document = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, null=True, blank=True, related_name="reports")
    lab_accreditation_no = models.CharField(_("lab accreditation number"), max_length=32)
    report_no = models.CharField(_("report number"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    hs_codes = models.JSONField(_("HS codes of the goods tested"), default=list)
    lot_numbers = models.CharField(_("lot numbers"), max_length=200, blank=True)
    results = models.JSONField(_("results"), default=list, blank=True)  # [{"test_item","value","unit"}]
    check_ok = models.BooleanField(null=True)
    check_reasons = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.report_no} ({self.lab_accreditation_no})"


class LabComparison(models.Model):
    """A bureau re-test against a third-party lab's reported value: repeated disagreement suspends the lab."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="comparisons")
    report = models.ForeignKey(TestReport, on_delete=models.CASCADE, related_name="comparisons")
    test_item = models.CharField(max_length=64)
    lab_value = models.DecimalField(max_digits=16, decimal_places=6)
    bureau_value = models.DecimalField(max_digits=16, decimal_places=6)
    tolerance = models.DecimalField(max_digits=6, decimal_places=4)
    agrees = models.BooleanField()
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.test_item}"


# --- Joint inspection --------------------------------------------------------------------------------------------


class JointInspection(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=JointKind.choices)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(_("requesting agency"), max_length=12, choices=Agency.choices)
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="joint_inspections")
    container_no = models.CharField(_("container number"), max_length=16, blank=True)
    conveyance = models.CharField(_("vessel / flight"), max_length=64, blank=True)
    participants = models.JSONField(_("participating agencies"), default=list)
    site = models.ForeignKey(InspectionSite, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=JointStatus.choices,
                              default=JointStatus.REQUESTED)
    task = models.OneToOneField(InspectionTask, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="joint")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("joint inspection")
        verbose_name_plural = _("joint inspections")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"#{self.pk} {self.kind} {self.agency}"


class JointFinding(models.Model):
    joint = models.ForeignKey(JointInspection, on_delete=models.CASCADE, related_name="findings")
    agency = models.CharField(_("agency"), max_length=12, choices=Agency.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=Conclusion.choices)
    findings = models.TextField(_("findings"), blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["joint", "agency"], name="inspection_joint_finding_once")]

    def __str__(self):
        return f"{self.joint_id} {self.agency}"
