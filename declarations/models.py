from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciq_portal.models import MessageInEveryLanguage
from credit.models import Enterprise

from .choices import (
    DangerousGoodsClass,
    DeclarationSource,
    DeclarationStatus,
    DocumentKind,
    InspectionOutcome,
    InspectionPlace,
    LogisticsEventKind,
    ReleaseMode,
    TransportMode,
)


class HSCode(models.Model):
    """The seeded nomenclature: chapters (2 digits), headings (4), subheadings (6) and national codes (8–10)."""

    code = models.CharField(_("HS code"), max_length=10, primary_key=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    # Commodity category used by registration, documents, qualifications and site routing (e.g. "food").
    category = models.CharField(_("category"), max_length=32, blank=True, db_index=True)
    # Effective dates: a code outside them is not in the nomenclature that day (set by the editions imported).
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name_zh}"

    @property
    def chapter(self) -> str:
        return self.code[:2]


class HSEdition(models.Model):
    """One edition of the HS nomenclature imported from a file: from ``effective_from`` its codes are the table."""

    name = models.CharField(_("edition"), max_length=64)
    effective_from = models.DateField(_("effective from"))
    original_name = models.CharField(_("file name"), max_length=255)
    codes = models.PositiveIntegerField(_("codes"), default=0)
    added = models.PositiveIntegerField(_("codes added"), default=0)
    changed = models.PositiveIntegerField(_("codes changed"), default=0)
    retired = models.PositiveIntegerField(_("codes retired"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("HS edition")
        verbose_name_plural = _("HS editions")
        ordering = ["-effective_from", "-id"]

    def __str__(self):
        return f"{self.name} ({self.effective_from})"


class Declaration(models.Model):
    number = models.CharField(_("declaration number"), max_length=32, unique=True)
    # No index of its own: each composite index in Meta starts with it.
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="declarations",
                                   verbose_name=_("declaring enterprise"), db_index=False)
    consignee = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                  verbose_name=_("consignee"))
    consignor = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                  verbose_name=_("consignor (overseas seller)"))
    customs_broker = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", null=True,
                                       blank=True, verbose_name=_("customs broker"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    # Declarant identifier as written in historical data (no user account behind it).
    declarant_ref = models.CharField(_("declarant reference"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=DeclarationSource.choices,
                              default=DeclarationSource.PORTAL)
    status = models.CharField(_("status"), max_length=24, choices=DeclarationStatus.choices,
                              default=DeclarationStatus.DRAFT)
    port_of_entry = models.CharField(_("port / office of entry"), max_length=16)
    transport_mode = models.CharField(_("transport mode"), max_length=8, choices=TransportMode.choices,
                                      default=TransportMode.SEA)
    vessel_voyage = models.CharField(_("vessel and voyage / flight"), max_length=64, blank=True)
    bill_of_lading = models.CharField(_("bill of lading"), max_length=64, blank=True)
    containers = models.JSONField(_("containers"), default=list, blank=True)
    arrival_date = models.DateField(_("date of arrival"), null=True, blank=True)
    departure_country = models.CharField(_("country of departure"), max_length=2)
    use_of_goods = models.CharField(_("use of goods"), max_length=64, blank=True)
    inspection_place = models.CharField(_("inspection place"), max_length=16, choices=InspectionPlace.choices,
                                        default=InspectionPlace.PORT)
    destination_office = models.CharField(_("destination office"), max_length=16, blank=True)
    trade_terms = models.CharField(_("trade terms"), max_length=3, blank=True)
    release_mode = models.CharField(_("release mode"), max_length=16, choices=ReleaseMode.choices, blank=True)
    inspection_outcome = models.CharField(_("inspection outcome"), max_length=16, choices=InspectionOutcome.choices,
                                          blank=True, default=InspectionOutcome.NONE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True, db_index=True)
    # When the goods arrived, from the logistics events (the earliest "vessel berthed" or "container discharged",
    # declarations.services.logistics_event_push): the start of the WCO Time Release Study clearance time.
    arrived_at = models.DateTimeField(_("arrived at (logistics)"), null=True, blank=True)
    # The bulk upload that created it, so its drafts can be submitted together. No index: the drafts of one job
    # are found among the enterprise's drafts (decl_ent_status_created), and every move would rewrite one more.
    import_job = models.ForeignKey("ImportJob", on_delete=models.SET_NULL, null=True, blank=True, db_index=False,
                                   related_name="declarations", verbose_name=_("bulk import"))

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-created_at", "-id"]
        # Every move rewrites the row's index entries, so only what queries use: status and bill of lading are
        # matched whole, never by prefix, and need no pattern-ops twin (db_index=True on a CharField adds one).
        indexes = [
            models.Index(fields=["enterprise", "-created_at"]),
            models.Index(fields=["enterprise", "status", "-created_at"], name="decl_ent_status_created"),
            models.Index(fields=["status"], name="decl_status"),
            models.Index(fields=["bill_of_lading"], name="decl_bill_of_lading"),
        ]

    def __str__(self):
        return self.number


class GoodsLine(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="lines",
                                    verbose_name=_("declaration"))
    line_no = models.PositiveSmallIntegerField(_("line number"))
    hs_code = models.CharField(_("HS code"), max_length=10, db_index=True)
    description = models.CharField(_("description"), max_length=300)
    origin_country = models.CharField(_("country of origin"), max_length=2)
    # Quantity and value may be missing from a draft's line; submission requires them.
    quantity = models.DecimalField(_("quantity"), max_digits=16, decimal_places=3, null=True, blank=True,
                                   validators=[MinValueValidator(0)])
    unit = models.CharField(_("unit"), max_length=16)
    net_weight_kg = models.DecimalField(_("net weight (kg)"), max_digits=16, decimal_places=3, null=True, blank=True)
    gross_weight_kg = models.DecimalField(_("gross weight (kg)"), max_digits=16, decimal_places=3, null=True,
                                          blank=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    manufacturer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                     verbose_name=_("manufacturer"))
    manufacturer_name = models.CharField(_("manufacturer name"), max_length=200, blank=True)
    lot_numbers = models.CharField(_("lot numbers"), max_length=200, blank=True)
    # Dangerous goods say what they are: the site is chosen by these, not guessed from the HS code.
    un_number = models.CharField(_("UN number"), max_length=6, blank=True)
    dg_class = models.CharField(_("dangerous-goods class"), max_length=4, choices=DangerousGoodsClass.choices,
                                blank=True)

    class Meta:
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")
        ordering = ["declaration_id", "line_no"]  # by the column: no join to the declaration to sort
        constraints = [
            models.UniqueConstraint(fields=["declaration", "line_no"], name="goodsline_unique_line_no"),
        ]

    def __str__(self):
        return f"{self.declaration.number}/{self.line_no} {self.hs_code}"


class DeclarationEvent(MessageInEveryLanguage):
    """The declaration's timeline: every status change and noteworthy step, written by services."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=48)
    from_status = models.CharField(_("from status"), max_length=24, blank=True)
    to_status = models.CharField(_("to status"), max_length=24, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    message = models.TextField(_("message"), blank=True)
    # Structured details; never shown to declarants where it holds risk reasons (services decide).
    data = models.JSONField(default=dict, blank=True)
    visible_to_declarant = models.BooleanField(default=True)
    # When it happened (a partner's logistics step: the time the partner gives, which may be pushed late) and when
    # the portal recorded it; the timeline is in the order things happened.
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("declaration event")
        verbose_name_plural = _("declaration events")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["declaration", "occurred_at", "id"], name="decl_event_timeline")]

    def __str__(self):
        return f"{self.declaration_id} {self.kind}"


def document_upload_to(instance, filename):
    return f"documents/{instance.declaration.enterprise_id}/{instance.declaration_id}/{filename}"


class StoredFile(models.Model):
    """What the portal keeps of an uploaded file besides the file itself (checked by services before it is
    stored): the name it came with, its sniffed type, its size and digest, who uploaded it and when."""

    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class Document(StoredFile):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="documents")
    goods_line = models.ForeignKey(GoodsLine, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="documents")
    kind = models.CharField(_("document type"), max_length=32, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_upload_to)

    class Meta(StoredFile.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")


class DeclarationSequence(models.Model):
    """The last number issued per office and day; locked while a number is taken (safe under concurrency)."""

    office = models.CharField(max_length=16)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "day"], name="declseq_unique_office_day")]

    def __str__(self):
        return f"{self.office} {self.day}: {self.last}"


class DocumentRequirement(models.Model):
    """Which documents goods of an HS code prefix or a category need (configurable, ask for the minimum)."""

    hs_prefix = models.CharField(_("HS code prefix"), max_length=10, blank=True)
    category = models.CharField(_("category"), max_length=32, blank=True)
    kind = models.CharField(_("document type"), max_length=32, choices=DocumentKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("document requirement")
        verbose_name_plural = _("document requirements")
        ordering = ["category", "hs_prefix", "kind"]

    def __str__(self):
        return f"{self.category or self.hs_prefix}: {self.kind}"


class HistoricalAttributes(models.Model):
    """KCS-only columns of a historical declaration, kept for the risk engine (one row per declaration)."""

    declaration = models.OneToOneField(Declaration, on_delete=models.CASCADE, primary_key=True,
                                       related_name="historical")
    office_id = models.CharField(max_length=16, blank=True)
    process_type = models.CharField(max_length=8, blank=True)
    import_type = models.CharField(max_length=8, blank=True)
    import_use = models.CharField(max_length=8, blank=True)
    payment_type = models.CharField(max_length=8, blank=True)
    transport_mode_code = models.CharField(max_length=8, blank=True)
    courier_id = models.CharField(max_length=32, blank=True)
    tax_rate = models.FloatField(null=True, blank=True)
    tax_type = models.CharField(max_length=8, blank=True)
    origin_indicator = models.CharField(max_length=8, blank=True)
    net_mass = models.FloatField(null=True, blank=True)
    item_price = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("historical attributes")
        verbose_name_plural = _("historical attributes")

    def __str__(self):
        return f"{self.declaration_id}"


class ImportJob(models.Model):
    """A bulk upload worked by a Celery task; the page polls its progress."""

    STATUS_CHOICES = [("pending", _("Pending")), ("running", _("Running")), ("done", _("Done")),
                      ("failed", _("Failed"))]
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.FileField(upload_to="imports/")
    original_name = models.CharField(max_length=255)
    skip_invalid = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=STATUS_CHOICES, default="pending")
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.original_name} ({self.status})"


class RegulatedGoods(models.Model):
    """Goods (HS prefix or category) declared only by a filed importer from a registered manufacturer (§4.4)."""

    hs_prefix = models.CharField(_("HS code prefix"), max_length=10, blank=True)
    category = models.CharField(_("category"), max_length=32, blank=True)
    needs_importer_filing = models.BooleanField(_("importer filing required"), default=True)
    needs_manufacturer_registration = models.BooleanField(_("manufacturer registration required"), default=True)

    class Meta:
        verbose_name = _("regulated goods")
        verbose_name_plural = _("regulated goods")

    def __str__(self):
        return self.category or self.hs_prefix


class Registration(models.Model):
    """An importer's filing or an overseas manufacturer's registration, with scope and validity (§4.4)."""

    KIND_CHOICES = [("importer_filing", _("Importer filing")),
                    ("manufacturer_registration", _("Overseas manufacturer registration"))]
    STATUS_CHOICES = [("pending", _("Pending")), ("approved", _("Approved")), ("refused", _("Refused")),
                      ("suspended", _("Suspended"))]
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="registrations",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=32, choices=KIND_CHOICES)
    # For a manufacturer registration filed by an importer: the manufacturer's name as declared on goods lines.
    manufacturer_name = models.CharField(_("manufacturer name"), max_length=200, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES, default="pending")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.registration_number}"

    def in_force(self, on) -> bool:
        return self.status == "approved" and self.valid_from <= on <= self.valid_until

    def covers(self, category: str) -> bool:
        """Whether goods of ``category`` are in the scope (no categories: every kind of goods)."""
        return not self.categories or category in self.categories

    def names_manufacturer(self, name: str) -> bool:
        """Whether this registers the manufacturer ``name`` as a goods line declares it (case aside)."""
        return (self.kind == "manufacturer_registration" and bool((name or "").strip())
                and self.manufacturer_name.casefold() == name.strip().casefold())


class LogisticsEvent(models.Model):
    """One step of the logistics chain of a container, pushed by the port or an agency (single window, §6).

    Idempotent by the pusher's own event id: ``(source, external_id)`` is unique, ``source`` being the agency's
    code (or "bureau" for the bureau's own staff). The event is linked to every open declaration that lists the
    container; each gets a timeline entry, and the arrival steps set ``Declaration.arrived_at``.
    """

    source = models.CharField(_("source"), max_length=32)
    agency = models.ForeignKey("ciq_portal.Agency", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("agency"))
    external_id = models.CharField(_("event id at the source"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=LogisticsEventKind.choices)
    container_no = models.CharField(_("container number"), max_length=16, db_index=True)
    bill_of_lading = models.CharField(_("bill of lading"), max_length=64, blank=True)
    vessel_voyage = models.CharField(_("vessel and voyage"), max_length=64, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    pushed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("pushed by"))
    declarations = models.ManyToManyField(Declaration, related_name="logistics_events",
                                          verbose_name=_("declarations"))
    # SHA-256 of what was pushed: a repeated push with the same id and content is a replay, anything else a conflict.
    fingerprint = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("logistics event")
        verbose_name_plural = _("logistics events")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="logistics_source_external_id_unique"),
        ]
        indexes = [models.Index(fields=["container_no", "occurred_at"])]

    def __str__(self):
        return f"{self.source}:{self.external_id} {self.kind} {self.container_no}"


def registration_document_upload_to(instance, filename):
    return f"registrations/{instance.registration.enterprise_id}/{instance.registration_id}/{filename}"


class RegistrationDocument(StoredFile):
    """A document filed with a registration application (licence, certificate, scope statement): PDF, JPEG, PNG."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="documents",
                                     verbose_name=_("registration"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=registration_document_upload_to)

    class Meta(StoredFile.Meta):
        verbose_name = _("registration document")
        verbose_name_plural = _("registration documents")


class Port(models.Model):
    """A port / office of entry the bureau supervises, reference data its administrator keeps: a declaration stores
    the office code (NGB); pages show the port's name in the reader's language with its UN/LOCODE, 宁波 (CNNGB)."""

    code = models.CharField(_("office code"), max_length=16, primary_key=True)
    locode = models.CharField(_("UN/LOCODE"), max_length=5)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        verbose_name = _("port")
        verbose_name_plural = _("ports")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name_zh}"
