"""Demo accounts for every role except declarants (credit/demo.py adds those with their enterprises), the partner
agencies, and the working calendar of this year and the next."""

from django.utils import timezone

from .agencies import agency_client_create, agency_ensure, key_hash
from .audit import audit_record
from .models import AgencyApiKey, AgencyClient, Notification, User
from .notifications import notification_mark_read
from .roles import Role
from .services import roles_sync, user_ensure
from .working_calendar import calendar_year_get, calendar_year_save, official_days

STAFF_USERS = [
    ("officer1", Role.OFFICER, "伟", "王"),
    ("officer2", Role.OFFICER, "芳", "李"),
    ("officer3", Role.OFFICER, "强", "张"),
    ("analyst", Role.RISK_ANALYST, "敏", "刘"),
    ("supervisor", Role.SUPERVISOR, "静", "陈"),
    ("agency_customs", Role.PARTNER_AGENCY, "Customs", "Ningbo"),
    ("admin", Role.ADMINISTRATOR, "Admin", ""),
]


# What a demo user finds unread after seeding: the newest few, as after a day away, not the whole made-up history.
DEMO_UNREAD_KEPT = 3


def demo_history_read(*, keep_unread: int = DEMO_UNREAD_KEPT) -> int:
    """Mark the seeded history's notifications read, each user keeping the newest ``keep_unread`` unread; returns
    how many were marked. Run once every app has seeded."""
    marked = 0
    for user in User.objects.filter(notifications__read_at__isnull=True).distinct():
        unread = Notification.objects.filter(user=user, read_at__isnull=True).order_by("-created_at", "-id")
        older = list(unread.values_list("pk", flat=True)[keep_unread:])
        if older:
            marked += notification_mark_read(user=user, pks=older)
    return marked


def seed(*, password: str, stdout) -> None:
    roles_sync()
    for username, role, first_name, last_name in STAFF_USERS:
        user_ensure(username=username, password=password, role=role, first_name=first_name, last_name=last_name,
                    email=f"{username}@demo.example.com")
    stdout.write(f"  users: {', '.join(u for u, *_ in STAFF_USERS)}")
    seed_agencies(stdout=stdout)
    seed_calendar(stdout=stdout)


def seed_calendar(*, stdout) -> None:
    """This year's and next year's working calendar, with the State Council's holidays and adjusted working days
    where the installed chinese_calendar knows them (published each November; until then a year has its weekends
    only, and the administrator adds the arrangement on the calendar page)."""
    admin = User.objects.get(username="admin")
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        if calendar_year_get(year) is not None:
            continue
        days = official_days(year)
        calendar_year_save(actor=admin, year=year, days=days)
        stdout.write(f"  working calendar {year}: " + (f"{len(days)} official holidays and adjusted working days"
                                                       if days else "weekends only (arrangement not published)"))


# Partner agencies of the single window and the demo agency user's client (keys are issued by hand:
# `manage.py agency_client issue-key customs-gateway`).
AGENCIES = [
    ("customs", "宁波海关", "Ningbo Customs", "customs", ["release_status:read", "logistics:push", "joint_inspection",
                                                      "case_referral", "credit_exchange", "bulletins:read",
                                                      "audit_heads:read", "registrations:read"]),
    ("msa", "宁波海事局", "Ningbo Maritime Safety Administration", "maritime", [
        "release_status:read", "logistics:push", "bulletins:read", "audit_heads:read"]),
    ("border", "宁波出入境边防检查站", "Ningbo Border Inspection", "border", ["release_status:read", "case_referral",
                                                                    "audit_heads:read"]),
    ("port", "宁波舟山港集团", "Ningbo-Zhoushan Port", "port_operator", ["release_status:read", "logistics:push",
                                                                "audit_heads:read"]),
]


DEMO_KEY_PREFIX = "democustoms"
DEMO_KEY = f"ciq_{DEMO_KEY_PREFIX}_demo-key-2026-do-not-use-in-production"


def seed_agencies(*, stdout) -> None:
    agencies = {code: agency_ensure(code=code, name_zh=zh, name_en=en, kind=kind, scopes=scopes)
                for code, zh, en, kind, scopes in AGENCIES}
    user = User.objects.filter(username="agency_customs").first()
    if user is not None and not AgencyClient.objects.filter(user=user).exists():
        agency_client_create(agency=agencies["customs"], name="Ningbo Customs officers", user=user,
                             scopes=agencies["customs"].scopes, actor=None)
    if not AgencyClient.objects.filter(user__username="customs-gateway").exists():
        agency_client_create(agency=agencies["customs"], name="Customs gateway", username="customs-gateway",
                             scopes=agencies["customs"].scopes, actor=None)
    gateway = AgencyClient.objects.get(user__username="customs-gateway")
    if not AgencyApiKey.objects.filter(prefix=DEMO_KEY_PREFIX).exists():
        # A fixed, published key for the demo only (like the demo password); real keys are random.
        key = AgencyApiKey.objects.create(client=gateway, prefix=DEMO_KEY_PREFIX, key_hash=key_hash(DEMO_KEY),
                                          label="demo")
        audit_record(actor=None, action="agency_api_key.issue", obj=key,
                     after={"client": gateway.pk, "prefix": key.prefix})
    if not AgencyClient.objects.filter(user__username="port-edi").exists():
        agency_client_create(agency=agencies["port"], name="Port EDI", username="port-edi",
                             scopes=agencies["port"].scopes, actor=None)
    stdout.write(f"  agencies: {', '.join(agencies)}")
