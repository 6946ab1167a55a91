from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .i18n import name_for_reader, text_for_reader


class User(AbstractUser):
    """A person or an API client of a partner agency; roles are groups (see roles.py)."""

    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):  # wherever a page names a person: their name, the account name only when they have none
        return self.display_name

    def get_full_name(self) -> str:
        """A Chinese name as it is written, family name first and unspaced (王伟); any other given name first."""
        first, last = self.first_name.strip(), self.last_name.strip()
        if any("\u4e00" <= char <= "\u9fff" for char in first + last):
            return f"{last}{first}"
        return super().get_full_name()

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class AuditEntry(models.Model):
    """One recorded state change. Append-only: rows are written by services and sealed into a hash chain.

    ``seq``, ``prev_hash`` and ``row_hash`` stay empty until the sealing task chains the row (see audit.py), so
    writers never wait on one another for the chain.
    """

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_username = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    enterprise_id = models.BigIntegerField(_("enterprise id"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    # Personal data the change concerned (a buyer's contact, a person's name), kept apart so that it can be masked
    # once past its retention: the chain covers ``personal_digests`` (a salted SHA-256 of each value), never the
    # values. ``personal``: {name: {"value", "salt"}}, or {name: {"masked_at"}} once masked.
    personal = models.JSONField(_("personal data"), default=dict, blank=True)
    personal_digests = models.JSONField(default=dict, blank=True)
    seq = models.BigIntegerField(_("sequence"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    row_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["seq"], name="audit_unsealed_idx", condition=models.Q(seq__isnull=True)),
        ]

    def __str__(self):
        return f"{self.action} {self.object_type}#{self.object_id}"


class AuditChainHead(models.Model):
    """The single row that anchors the chain's tail, so a truncated tail is detected."""

    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)
    # The last row a signed head (AuditHead) covers; below last_seq only for rows sealed before heads were signed.
    signed_seq = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.last_seq} {self.last_hash}"


class AuditHead(models.Model):
    """A signed head of the audit chain, written by each sealing run for the rows it chained (audit.py).

    The signature (Ed25519, the bureau's key, which the database never holds) covers the range, the hash before and
    at its end and the SHA-256 of ``row_hashes``, the 32-byte hash of each of its rows in order: a row changed and
    the chain recomputed afterwards no longer matches what was signed, and the first such row is named. The last
    head of each day is published (``published_day``) on /public/audit/ and pushed to partner agencies.
    """

    first_seq = models.BigIntegerField(_("first row"))
    last_seq = models.BigIntegerField(_("last row"), unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    head_hash = models.CharField(_("head hash"), max_length=64)
    row_hashes = models.BinaryField()
    sealed_at = models.DateTimeField(_("sealed at"), db_index=True)
    key_id = models.CharField(_("key id"), max_length=16)
    signature = models.CharField(_("signature"), max_length=100)
    # Set on the day's last head when the day is published, with the first row of that day.
    published_day = models.DateField(_("published for the day"), null=True, blank=True, unique=True)
    day_first_seq = models.BigIntegerField(null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signed audit head")
        verbose_name_plural = _("signed audit heads")
        ordering = ["last_seq"]

    def __str__(self):
        return f"{self.first_seq}–{self.last_seq} {self.head_hash[:12]}"


class IdempotencyRecord(models.Model):
    """The first answer to a create or submit POST, replayed when the same key comes again."""

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")]

    def __str__(self):
        return f"{self.scope} {self.key}"


# --- Single window: partner agencies, their API clients and keys (see agencies.py) -------------------------------


class AgencyKind(models.TextChoices):
    CUSTOMS = "customs", _("Customs")
    MARITIME = "maritime", _("Maritime safety administration")
    BORDER = "border", _("Border inspection")
    PORT_OPERATOR = "port_operator", _("Port operator")
    LABORATORY = "laboratory", _("Accredited laboratory")
    OTHER = "other", _("Other agency")


class AgencyScope(models.TextChoices):
    """What an agency client may do over the API; each API operation names the scope it needs."""

    RELEASE_STATUS_READ = "release_status:read", _("Read release status")
    LOGISTICS_PUSH = "logistics:push", _("Push logistics events")
    JOINT_INSPECTION = "joint_inspection", _("Joint inspection")
    CASE_REFERRAL = "case_referral", _("Case referral")
    CREDIT_EXCHANGE = "credit_exchange", _("Credit information exchange")
    BULLETINS_READ = "bulletins:read", _("Read risk bulletins")
    AUDIT_HEADS_READ = "audit_heads:read", _("Read signed audit heads")
    REGISTRATIONS_READ = "registrations:read", _("Read importer filings and manufacturer registrations")
    LAB_WORK_READ = "lab_work:read", _("Read samples, laboratory orders and laboratory results")
    LAB_RESULTS_POST = "lab_results:post", _("Post laboratory results (an accredited laboratory, its own orders)")


def scope_labels(scopes) -> list[str]:
    """Granted scopes as their users read them (a code no longer among the scopes stays as stored)."""
    return [str(AgencyScope(scope).label) if scope in AgencyScope.values else scope for scope in scopes]


class Agency(models.Model):
    """A partner agency of the single window (海关, 海事, 边检, 港务)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind.choices)
    # The most the bureau grants this agency; a client's scopes are always within these.
    scopes = models.JSONField(_("granted scopes"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")
        ordering = ["code"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return name_for_reader(self.name_zh, self.name_en)

    @property
    def scope_labels(self) -> list[str]:
        return scope_labels(self.scopes)


class AgencyClient(models.Model):
    """One principal acting for an agency: a system with API keys, or a person of the agency who logs in.

    Every client has its own user account (role ``partner_agency``), so audit rows, subscriptions and
    ownership checks work alike for keys, tokens and browser sessions.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="clients", verbose_name=_("agency"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agency_client",
                                verbose_name=_("user account"))
    name = models.CharField(_("name"), max_length=120)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    # DRF rate such as "120/min"; empty means REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["agency"].
    rate_limit = models.CharField(_("rate limit"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agency client")
        verbose_name_plural = _("agency clients")
        ordering = ["agency__code", "name"]

    def __str__(self):
        return f"{self.agency.code}/{self.name}"

    @property
    def scope_labels(self) -> list[str]:
        return scope_labels(self.scopes)


class AgencyApiKey(models.Model):
    """An API key of an agency client. Only the SHA-256 of the secret is stored; the key is shown once."""

    client = models.ForeignKey(AgencyClient, on_delete=models.CASCADE, related_name="keys",
                               verbose_name=_("client"))
    # The public part of the key ("ciq_<prefix>_<secret>"), to find the row and to name the key in the log.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    label = models.CharField(_("label"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    # A rotated key keeps working until expires_at (the grace period); a revoked key stops at once.
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency API key")
        verbose_name_plural = _("agency API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"ciq_{self.prefix}_…"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


# --- Notifications: subscriptions, the outbox, webhook deliveries, in-app notifications (notifications.py) ---------


class EventType(models.TextChoices):
    STATUS_CHANGED = "declaration.status_changed", _("Status change")
    RELEASED = "declaration.released", _("Release")
    INSPECTION_SCHEDULED = "inspection.scheduled", _("Inspection scheduled")
    DOCUMENTS_REQUESTED = "declaration.documents_requested", _("Documents requested")
    BULLETIN_PUBLISHED = "bulletin.published", _("Risk bulletin published")
    RECALL = "recall.issued", _("Recall")
    LOGISTICS = "logistics.event", _("Logistics event")
    CASE_REFERRAL = "case_referral.updated", _("Case referral update")
    AUDIT_HEAD = "audit.head_published", _("Signed audit head of the day")
    INSPECTION_OVERDUE = "inspection.overdue", _("Overdue inspection escalated")
    BUDGET_DEVIATION = "inspection.budget_deviation", _("Inspection rate outside its budget")


class Subscription(models.Model):
    """A system that wants events POSTed to ``url``, signed with ``secret``.

    ``owner`` is the user who subscribed (a declarant, an agency client's account, or bureau staff);
    ``enterprise_id`` is set for declarants' subscriptions, which receive only their enterprise's events.
    """

    class Kind(models.TextChoices):
        DECLARANT = "declarant", _("Declarant")
        AGENCY = "agency", _("Partner agency")
        BUREAU = "bureau", _("Bureau")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions",
                              verbose_name=_("owner"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    enterprise_id = models.BigIntegerField(_("enterprise id"), null=True, blank=True, db_index=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    url = models.URLField(_("URL"), max_length=500)
    # Needed in the clear to sign each delivery; never returned by the API after creation.
    secret = models.CharField(_("secret"), max_length=128)
    event_types = models.JSONField(_("event types"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name or self.url}"


class OutboxEvent(models.Model):
    """An event written in the same transaction as the change it describes, then fanned out to subscribers."""

    event_id = models.UUIDField(_("event id"), unique=True)
    event_type = models.CharField(_("event type"), max_length=48, choices=EventType.choices, db_index=True)
    payload = models.JSONField(_("payload"), default=dict)
    enterprise_id = models.BigIntegerField(_("enterprise id"), null=True, blank=True, db_index=True)
    # Who may receive it: any of "declarant", "agency", "bureau".
    audience = models.JSONField(_("audience"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at"], name="outbox_undispatched_idx",
                         condition=models.Q(dispatched_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    SUCCEEDED = "succeeded", _("Delivered")
    DEAD = "dead", _("Dead letter")


class WebhookDelivery(models.Model):
    """One event for one subscription; each HTTP attempt is logged in DeliveryAttempt."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name=_("subscription"))
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries",
                              verbose_name=_("event"))
    status = models.CharField(_("status"), max_length=16, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Attempts since the last replay; the delivery is dead-lettered when this reaches the maximum.
    round_attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    # A worker holds the delivery until this time while it is sending (a second run of the task backs off).
    leased_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    dead_at = models.DateTimeField(_("dead-lettered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="delivery_subscription_event_unique"),
        ]

    def __str__(self):
        return f"{self.event_id} → {self.subscription_id} ({self.status})"


class DeliveryAttempt(models.Model):
    """The log of one HTTP attempt of a delivery."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log",
                                 verbose_name=_("delivery"))
    number = models.PositiveIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    error = models.CharField(_("error"), max_length=500, blank=True)
    response_excerpt = models.CharField(_("response"), max_length=500, blank=True)
    # Seconds until the next attempt as scheduled after this one (empty after success or dead-letter).
    retry_in = models.PositiveIntegerField(_("next attempt in (s)"), null=True, blank=True)
    replayed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="attempt_delivery_number_unique")]

    def __str__(self):
        return f"{self.delivery_id} #{self.number}"


class MessageInEveryLanguage(models.Model):
    """A row whose ``message`` the bureau's services also keep in every language of the portal (ciq_portal/i18n.py):
    ``text`` is the message in the reader's language. A person's words have no translations."""

    message_translations = models.JSONField(_("message in every language"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def text(self) -> str:
        return text_for_reader(self.message, self.message_translations)


class Notification(MessageInEveryLanguage):
    """An in-app notification for one user (the bell in the top bar)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    event_type = models.CharField(_("event type"), max_length=48, choices=EventType.choices)
    message = models.CharField(_("message"), max_length=500, blank=True)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["user"], name="notification_unread_idx", condition=models.Q(read_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.user_id} {self.event_type}"


# --- Messages to people: e-mail and SMS, one delivery record each (messaging.py) ----------------------------------


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class MessagePurpose(models.TextChoices):
    RECALL_NOTICE = "recall_notice", _("Recall notice to a buyer")
    OVERDUE_REMINDER = "overdue_reminder", _("Overdue inspection reminder")
    PASSWORD_RESET = "password_reset", _("Password reset")
    ONBOARDING_DECISION = "onboarding_decision", _("Enterprise application decision")
    INVITATION = "invitation", _("Invitation")
    OTHER = "other", _("Other")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETRYING = "retrying", _("Retrying")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class MessageDelivery(models.Model):
    """One e-mail or SMS to one recipient, and what became of it: ``sent`` once the mail server or SMS gateway
    accepted it; ``failed`` when it refused for good or the last attempt failed (a person may send it again)."""

    channel = models.CharField(_("channel"), max_length=8, choices=MessageChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    html_body = models.TextField(blank=True)
    purpose = models.CharField(_("purpose"), max_length=32, choices=MessagePurpose.choices, db_index=True)
    # What the message is about, as the sender names it (a recall number, a task number) and, for the sender's
    # own use once the message is sent, the id of its row (e.g. the recall notice).
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    source_id = models.BigIntegerField(null=True, blank=True)
    enterprise_id = models.BigIntegerField(_("enterprise id"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices,
                              default=MessageStatus.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    # A worker holds the delivery until this time while it is sending (a second run of the task backs off).
    leased_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("message delivery")
        verbose_name_plural = _("message deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["purpose", "source_id"], name="message_source_idx")]

    def __str__(self):
        return f"{self.channel} → {self.recipient} ({self.status})"

    @property
    def may_send_again(self) -> bool:
        """Only a failed message is sent again by a person (a retrying one is still the worker's)."""
        return self.status == MessageStatus.FAILED


# --- The bureau's working calendar (working_calendar.py) -----------------------------------------------------------


def _default_weekend():
    return [6, 7]


class CalendarYear(models.Model):
    """The bureau's working calendar of one year: its working hours, the weekly days off and the days that break
    the week's pattern (public holidays, and the weekends worked in exchange for them)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    work_starts = models.TimeField(_("working day starts"))
    work_ends = models.TimeField(_("working day ends"))
    weekend_days = models.JSONField(_("days off every week"), default=_default_weekend)  # ISO weekdays, 1 = Monday
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("working calendar year")
        verbose_name_plural = _("working calendar years")
        ordering = ["year"]
        constraints = [models.CheckConstraint(condition=models.Q(work_starts__lt=models.F("work_ends")),
                                              name="calendar_year_hours_in_order")]

    def __str__(self):
        return str(self.year)


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Adjusted working day")


class CalendarDay(models.Model):
    """A day that breaks the week's pattern: a public holiday on a working day, or a weekend day worked (调休)."""

    calendar = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days",
                                 verbose_name=_("year"))
    day = models.DateField(_("day"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day} {self.kind}"
