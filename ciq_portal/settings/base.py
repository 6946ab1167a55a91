"""Settings shared by every profile, read from the environment (django-environ).

Profiles: ``local`` (make run), ``test`` (pytest) and ``production`` (gunicorn, workers).
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Reverse proxies in front of the portal that append the client's address to X-Forwarded-For (the compose stack's
# proxy is one): the client address of the audit log and the log-in lock-out is read from there.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

# Apps in dependency order: each domain app may use the ones before it, never the ones after; inspection and
# referrals sit side by side (neither uses the other).
# The public KCS data set (synthetic import declarations with inspection outcomes), kept outside the repository:
# the demo trains its risk model from it, the tests and benchmarks measure the model on it.
KCS_DATA_DIR = Path(env("KCS_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data" / "kcs")))

DOMAIN_APPS = ["ciq_portal", "credit", "declarations", "risk", "inspection", "referrals", "release"]

INSTALLED_APPS = [
    "ciq_portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    # Country names in the reader's language (its translations are found through the app registry).
    "django_countries",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ciq_portal.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ciq_portal.middleware.ClientAddressMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]
# Content-Security-Policy (django-csp): scripts and stylesheets from the portal's own static files only, never
# inline (templates hold no <script> body, <style> or style attribute: tests/proof/test_security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "ciq_portal.urls"
WSGI_APPLICATION = "ciq_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ciq_portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A kept connection is checked before a request reuses it: a database restart or a terminated backend costs a
# reconnect, not a 500 on each process's next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the in-process worker and the web server share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare the statements a connection repeats (from their fifth run), so
    # PostgreSQL does not parse and plan them again on every request. Django leaves preparing off unless
    # prepare_threshold is set.
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "ciq_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Bureau staff (officers, risk analysts, supervisors, administrators) enter a code from an authenticator app (TOTP,
# django-otp) after their password; on in production, off elsewhere unless set.
TWO_FACTOR_REQUIRED_FOR_STAFF = env.bool("TWO_FACTOR_REQUIRED_FOR_STAFF", default=False)
OTP_TOTP_ISSUER = "CIQ Portal"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failures lock the account, whatever the client address, so rotating addresses does not escape the lock-out, and
# only the account: colleagues behind the same NAT keep logging in. An address is refused apart from that after
# LOGIN_ADDRESS_FAILURE_LIMIT failures over any accounts (ciq_portal/login_throttle.py), so one client cannot spray
# guesses over many accounts.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
# Axes warns when it does not count per address; the address is throttled apart (above), on purpose.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Mail and SMS. Every message the portal sends to a person goes through ciq_portal/messaging.py, which keeps a
# delivery record of it. EMAIL_URL (django-environ): smtp://user:password@host:25, smtp+tls://...:587 (STARTTLS),
# smtp+ssl://...:465, consolemail://.
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CIQ Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS_URL: https://gateway.example/send (an HTTP gateway, ciq_portal/sms.py; SMS_GATEWAY_TOKEN its bearer token),
# file:///var/lib/ciq/sms (one file per batch, for development), console:, locmem: (tests). Unset: SMS fail visibly.
SMS_URL = env("SMS_URL", default="")
SMS_BACKENDS = {
    "": "ciq_portal.sms.UnconfiguredBackend",
    "http": "ciq_portal.sms.HttpGatewayBackend",
    "https": "ciq_portal.sms.HttpGatewayBackend",
    "file": "sms.backends.filebased.SmsBackend",
    "console": "sms.backends.console.SmsBackend",
    "locmem": "sms.backends.locmem.SmsBackend",
}
if urlsplit(SMS_URL).scheme not in SMS_BACKENDS:
    raise ImproperlyConfigured(f"SMS_URL: use one of the schemes {', '.join(filter(None, SMS_BACKENDS))}.")
SMS_BACKEND = SMS_BACKENDS[urlsplit(SMS_URL).scheme]
SMS_FILE_PATH = unquote(urlsplit(SMS_URL).path)
SMS_GATEWAY_URL = SMS_URL
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN", default="")
SMS_TIMEOUT = env.int("SMS_TIMEOUT", default=10)
DEFAULT_FROM_SMS = env("DEFAULT_FROM_SMS", default="CIQ")

# Celery. With REDIS_URL, Redis is the broker and result backend. Without it, EMBEDDED_WORKER=1 (`make run` sets it
# for the server and for the worker with beat that `manage.py runportal` starts beside it) keeps the queue in files
# under CELERY_QUEUE_DIR (kombu's filesystem transport): real retries with backoff and the periodic jobs, with
# nothing to install. Otherwise (tests, one-off commands such as seed_demo) tasks run in-process after commit.
EMBEDDED_WORKER = env.bool("EMBEDDED_WORKER", default=False) and not REDIS_URL
CELERY_QUEUE_DIR = Path(env("CELERY_QUEUE_DIR", default=str(BASE_DIR / "var" / "celery")))
CELERY_BROKER_URL = REDIS_URL or ("filesystem://localhost/" if EMBEDDED_WORKER else "memory://localhost/")
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or EMBEDDED_WORKER)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A broker outage: the worker reconnects for as long as it takes (also at start, when Redis comes up after it), and
# a task it was running when the connection dropped is given back (acks late) rather than finished unacknowledged;
# a publish after a commit tries briefly, then gives up (logged; the beat's sweeps pick the work up).
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Above the longest task's hard limit, so a running task is never handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_RESULT_EXPIRES = timedelta(days=1)
# Most tasks' effects are in the database; storing their return values cost every publish a result subscription.
# Tasks whose result a caller reads say ignore_result=False.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
if EMBEDDED_WORKER:
    # One folder is the queue both ways, looked at ten times a second; the exchange tables (remote control) beside it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "polling_interval": 0.1,
                                       "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
                                       "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
                                       "control_folder": str(CELERY_QUEUE_DIR / "control")}
CELERY_BEAT_SCHEDULE = {
    "audit-seal": {"task": "ciq_portal.tasks.audit_seal_task", "schedule": timedelta(seconds=10)},
    # The signed audit head of each ended day: published on /public/audit/ and pushed to the partner agencies.
    "audit-heads-publish": {"task": "ciq_portal.tasks.audit_heads_publish_task", "schedule": crontab(minute=10)},
    "credit-grades-nightly": {"task": "credit.tasks.credit_grades_recompute_task",
                              "schedule": crontab(hour=1, minute=30)},
    # The outbox sweep: events whose dispatch was lost, deliveries whose retry message was lost.
    "notifications-sweep": {"task": "ciq_portal.tasks.notifications_sweep_task", "schedule": timedelta(minutes=1)},
    # Mail and SMS whose sending or retry message was lost.
    "messages-sweep": {"task": "ciq_portal.tasks.messages_sweep_task", "schedule": timedelta(minutes=5)},
    # Dual-random: commit tomorrow's seed, reveal ended days' seeds; dispatch the pool; overdue reminders.
    "inspection-draw-periods": {"task": "inspection.tasks.draw_periods_rotate_task", "schedule": crontab(minute=5)},
    "inspection-dispatch-pool": {"task": "inspection.tasks.inspection_dispatch_pool_task",
                                 "schedule": timedelta(minutes=5)},
    "inspection-reminders": {"task": "inspection.tasks.inspection_reminders_send_task",
                             "schedule": timedelta(minutes=30)},
    "inspection-escalations": {"task": "inspection.tasks.inspection_overdue_escalate_task",
                               "schedule": timedelta(minutes=15)},
    # Release: the dashboard's summary rows (last 2 days); settle inspections concluded outside the release desk.
    # Bulk uploads whose message or worker was lost, queued again within minutes (the visibility timeout is an hour).
    "declarations-import-resume": {"task": "declarations.tasks.import_jobs_resume_task",
                                   "schedule": timedelta(minutes=2)},
    "release-stats-refresh": {"task": "release.tasks.release_stats_refresh_task", "schedule": timedelta(minutes=5)},
    "release-settle": {"task": "release.tasks.clearance_settle_pending_task", "schedule": timedelta(minutes=2)},
    # Risk targeting: each grade's harm cut-off recomputed over the recent decisions (and after every activation).
    "release-selection-cutoffs": {"task": "release.tasks.selection_cutoffs_compute_task",
                                  "schedule": crontab(hour=0, minute=40)},
    # Supervisors told when a grade's inspection rate has been outside ±20 % of its budget three days running.
    "release-budget-deviations": {"task": "release.tasks.budget_deviations_notify_task",
                                  "schedule": crontab(hour=7, minute=0)},
    # Personal data past its retention (buyers' contacts, recall acknowledgements) masked, nightly.
    "release-personal-data-mask": {"task": "release.tasks.personal_data_mask_task",
                                   "schedule": crontab(hour=3, minute=20)},
    # Risk: weekly training from the declarations with outcomes; activates only a better model.
    "risk-model-weekly": {"task": "risk.tasks.risk_model_train_weekly_task",
                          "schedule": crontab(hour=2, minute=15, day_of_week=0)},
    "risk-reassess-grade-changes": {"task": "risk.tasks.risk_reassess_grade_changes_task",
                                    "schedule": timedelta(minutes=15)},
}

# A JSON body's limits (ciq_portal/api/parsers.py): a declaration of the most goods lines fits many times over.
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=2 * 1024 * 1024)
API_JSON_MAX_DEPTH = 32
REST_FRAMEWORK = {
    # Request bodies are JSON; an upload's action takes multipart itself (so the contract declares one body each).
    "DEFAULT_PARSER_CLASSES": ["ciq_portal.api.parsers.BoundedJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "ciq_portal.api.token_auth.TokenAuthentication",  # DRF's, with the membership in the same query
        # Partner agencies' API keys (ciq_portal/agencies.py): "Authorization: Api-Key <key>".
        "ciq_portal.api.agency_auth.AgencyKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "ciq_portal.api.pagination.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular's AutoSchema plus audience tags (partner-agency, declarant, bureau) on every operation.
    "DEFAULT_SCHEMA_CLASS": "ciq_portal.api.schema.AudienceAutoSchema",
    "EXCEPTION_HANDLER": "ciq_portal.api.exceptions.api_exception_handler",
    # One bucket per agency client at its own rate (AgencyClient.rate_limit) or this default; others unthrottled.
    "DEFAULT_THROTTLE_CLASSES": ["ciq_portal.api.agency_auth.AgencyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"agency": env("AGENCY_RATE_LIMIT", default="600/min")},
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CIQ Portal API",
    "DESCRIPTION": "Import declarations, risk, inspection, release and partner-agency exchange.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ciq_portal.api.schema.language_neutral_names",
        "ciq_portal.api.schema.closed_audience_variants",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AgencyScopeEnum": "ciq_portal.models.AgencyScope",
        "AgencyKindEnum": "ciq_portal.models.AgencyKind",
        "EventTypeEnum": "ciq_portal.models.EventType",
        "DeliveryStatusEnum": "ciq_portal.models.DeliveryStatus",
        "SubscriptionKindEnum": "ciq_portal.models.Subscription.Kind",
        "CreditEventKindEnum": "credit.choices.CreditEventKind",
        # Choice sets shared by several apps' serializers: one name each.
        "ReleaseModeEnum": "declarations.choices.ReleaseMode",
        "RiskTierEnum": "risk.choices.Tier",
        "InspectionAgencyEnum": "inspection.choices.Agency",
        "InspectionConclusionEnum": "inspection.choices.Conclusion",
        "JointKindEnum": "inspection.choices.JointKind",
        "ReferralKindEnum": "referrals.choices.ReferralKind",
        "ReferralStatusEnum": "referrals.choices.ReferralStatus",
        "ReferralDirectionEnum": "referrals.choices.ReferralDirection",
        "ReferralOutcomeEnum": "referrals.choices.ReferralOutcome",
        "LogisticsEventKindEnum": "declarations.choices.LogisticsEventKind",
        "CommodityCategoryEnum": "declarations.choices.CommodityCategory",
        "DocumentKindEnum": "declarations.choices.DocumentKind",
        "SiteKindEnum": "inspection.choices.SiteKind",
        "SiteCapabilityEnum": "inspection.choices.SiteCapability",
        "SiteDangerousGoodsClassEnum": "inspection.choices.SiteDangerousGoodsClass",
        "LabKindEnum": "inspection.choices.LabKind",
    },
    # Operations are tagged with their audience (ciq_portal/api/agency_views.py and each app's API views).
    "TAGS": [
        {"name": "partner-agency", "description": "For partner agencies (customs, maritime, border, port operator): "
                                                  "API keys with scopes; see the agency guide."},
        {"name": "declarant", "description": "For declarants and their enterprises' own systems."},
        {"name": "bureau", "description": "For bureau staff: officers, risk analysts, supervisors, administrators."},
        {"name": "notifications", "description": "Subscriptions, signed webhooks and their delivery log."},
    ],
}

CIQ = {
    "OFFICE_CODE": env("CIQ_OFFICE_CODE", default="NGB"),
    # A risk-targeted inspection that finds every suitable site full for the day: "verify" (verify-release instead)
    # or "next_day" (inspected the next day). Never the random control sample nor a forced mode.
    "CAPACITY_OVERFLOW": env("CIQ_CAPACITY_OVERFLOW", default="verify"),
    "IDEMPOTENCY_TTL_HOURS": env.int("IDEMPOTENCY_TTL_HOURS", default=48),
    # Goods lines one declaration may hold; a larger consignment is split over several declarations.
    "MAX_GOODS_LINES": env.int("CIQ_MAX_GOODS_LINES", default=999),
    # A bulk upload still unfinished this long after it was made is queued again (its message or worker was lost).
    "IMPORT_RESUME_AFTER": timedelta(minutes=env.int("IMPORT_RESUME_MINUTES", default=5)),
    # An outbox event or a delivery whose message was lost (a broker outage) is queued again by the sweep this long
    # after it was due: well past the follow-up that normally takes it (JOURNAL_FOLLOW_UP_SECONDS).
    "OUTBOX_SWEEP_AFTER": timedelta(seconds=env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=300)),
    # Webhooks (ciq_portal/webhooks.py): attempts before dead-letter, backoff base and cap, timeout, private targets.
    "WEBHOOK_MAX_ATTEMPTS": env.int("WEBHOOK_MAX_ATTEMPTS", default=8),
    "WEBHOOK_BACKOFF_BASE_SECONDS": env.int("WEBHOOK_BACKOFF_BASE_SECONDS", default=30),
    "WEBHOOK_BACKOFF_CAP_SECONDS": env.int("WEBHOOK_BACKOFF_CAP_SECONDS", default=1800),
    "WEBHOOK_TIMEOUT_SECONDS": env.int("WEBHOOK_TIMEOUT_SECONDS", default=10),
    "WEBHOOK_ALLOW_PRIVATE_NETWORKS": env.bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", default=False),
    # In-app notifications: how long a process remembers the declarant accounts of an enterprise.
    "NOTIFY_DECLARANT_CACHE_SECONDS": env.int("NOTIFY_DECLARANT_CACHE_SECONDS", default=30),
    # How long a process remembers the reference tables every submission reads (ciq_portal/reference.py).
    "REFERENCE_CACHE_SECONDS": env.int("REFERENCE_CACHE_SECONDS", default=10),
    # How long after a commit the audit seal and the outbox dispatch start (ciq_portal/journal.py): the commits of
    # one interval share one run of each.
    "JOURNAL_FOLLOW_UP_SECONDS": env.float("JOURNAL_FOLLOW_UP_SECONDS", default=1.0),
    # How long after a release the dashboard's figures of yesterday and today are recomputed (release/services.py):
    # the releases of one interval share one refresh; the beat's sweep catches the rest.
    "STATS_FOLLOW_UP_SECONDS": env.float("STATS_FOLLOW_UP_SECONDS", default=60.0),
    # Working hours past its due time after which an open inspection is escalated to its site's supervisor.
    "OVERDUE_ESCALATION_WORKING_HOURS": env.float("OVERDUE_ESCALATION_WORKING_HOURS", default=4.0),
    # The bureau's Ed25519 signing key (ciq_portal/signing.py), never in the database: its PEM text (an environment
    # secret) or a PEM file; the key ring keeps the public keys of rotated keys. Development generates a key under
    # var/keys/ when none is configured.
    "SIGNING_KEY": env("CIQ_SIGNING_KEY", default=""),
    "SIGNING_KEY_FILE": env("CIQ_SIGNING_KEY_FILE", default=""),
    "SIGNING_KEYRING": env("CIQ_SIGNING_KEYRING", default=""),
    "SIGNING_KEY_AUTOGENERATE": env.bool("CIQ_SIGNING_KEY_AUTOGENERATE", default=DEBUG),
    # Days personal data is kept before `manage.py personal_data_mask` (and the nightly beat) masks it: a buyer's
    # contact from the date of the sale, who acknowledged a recall notice (and the note) from the acknowledgement.
    # Two years by default, the shortest time food purchase records must be kept; never while a recall is open.
    "PERSONAL_DATA_RETENTION_DAYS": {
        "buyer_contact": env.int("RETENTION_BUYER_CONTACT_DAYS", default=730),
        "recall_acknowledgement": env.int("RETENTION_RECALL_ACKNOWLEDGEMENT_DAYS", default=730),
    },
    # Mail and SMS (ciq_portal/messaging.py): attempts before a delivery fails, and Celery's exponential backoff
    # between them (base and cap): a random wait of up to 30 s, 1, 2, 4 min..., at most 30 min (full jitter).
    "MESSAGE_MAX_ATTEMPTS": env.int("MESSAGE_MAX_ATTEMPTS", default=8),
    "MESSAGE_BACKOFF_BASE_SECONDS": env.int("MESSAGE_BACKOFF_BASE_SECONDS", default=30),
    "MESSAGE_BACKOFF_CAP_SECONDS": env.int("MESSAGE_BACKOFF_CAP_SECONDS", default=1800),
    # The share of the demo history's daily consignments `seed_demo` submits (release/demo.py): 1 fills each grade's
    # month enough to show it within its inspection budget; the test suite seeds a tenth.
    "DEMO_HISTORY_SCALE": env.float("CIQ_DEMO_HISTORY_SCALE", default=1.0),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}},
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
