"""Demo data: sites, officers' profiles and their weekly roster, labs, and the committed seeds of today and tomorrow.
Idempotent. The consignments that fill the officers' queues and the past days' draws are filed and submitted
through the clearance pipeline by release/demo.py, which sits above it."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ciq_portal.models import User

from . import services
from .choices import LabKind, LabStatus, SiteKind
from .models import Draw, DrawPeriod, InspectionSite, Lab, OfficerProfile, TestItem, TestLimit
from .services.labs import _lab_status_set

SITES = [
    ("NGB-G1", "北仑港区综合查验场", "Beilun port general inspection yard", SiteKind.GENERAL, 80),
    ("NGB-DG", "大榭危险品查验场", "Daxie dangerous goods inspection yard", SiteKind.DANGEROUS_GOODS, 20),
    ("NGB-CC", "梅山冷链查验中心", "Meishan cold-chain inspection centre", SiteKind.COLD_CHAIN, 40),
    ("NGB-LA", "穿山活动物隔离场", "Chuanshan live animal quarantine station", SiteKind.LIVE_ANIMALS, 10),
]
OFFICERS = [
    ("officer1", "NB0001", ["aquatic", "meat", "dairy", "food", "fruit_vegetable"], ["NGB-G1", "NGB-CC"]),
    ("officer2", "NB0002", ["cosmetics", "food", "toy", "electrical", "textile", "machinery"], ["NGB-G1"]),
    ("officer3", "NB0003", ["aquatic", "meat", "chemical", "dangerous_goods", "live_animal", "food", "cosmetics"],
     ["NGB-G1", "NGB-CC", "NGB-DG", "NGB-LA"]),
]
LABS = [
    ("宁波检验检疫技术中心", "Ningbo CIQ Technical Centre", LabKind.BUREAU, "CIQ-NB-LAB", [],
     ["chloramphenicol", "lead", "total_bacteria", "heavy_metals", "formaldehyde"], LabStatus.ACTIVE),
    ("华测检测认证集团", "Centre Testing International Group", LabKind.THIRD_PARTY, "CNAS L1234",
     ["aquatic", "food", "meat", "cosmetics"], ["chloramphenicol", "lead", "total_bacteria", "heavy_metals"],
     LabStatus.ACTIVE),
    ("谱尼测试集团", "Pony Testing International Group", LabKind.THIRD_PARTY, "CNAS L5678", ["cosmetics", "toy"],
     ["formaldehyde", "lead"], LabStatus.ACTIVE),
    ("某某检测有限公司", "Example Testing Co., Ltd.", LabKind.THIRD_PARTY, "CNAS L9999", ["food"], ["total_bacteria"],
     LabStatus.SUSPENDED),
]
# The limits table: (code, name, name in English, unit) and (item, category, lower, upper, legal basis).
TEST_ITEMS = [
    ("lead", "铅", "Lead", "mg/kg"),
    ("chloramphenicol", "氯霉素", "Chloramphenicol", "µg/kg"),
    ("total_bacteria", "菌落总数", "Total plate count", "CFU/g"),
    ("heavy_metals", "重金属（以铅计）", "Heavy metals (as lead)", "mg/kg"),
    ("formaldehyde", "甲醛", "Formaldehyde", "mg/kg"),
]
TEST_LIMITS = [
    ("lead", "aquatic", None, "0.5", "GB 2762-2022"),
    ("lead", "meat", None, "0.2", "GB 2762-2022"),
    ("lead", "food", None, "0.2", "GB 2762-2022"),
    ("lead", "cosmetics", None, "10", "化妆品安全技术规范（2015年版）"),
    ("chloramphenicol", "aquatic", None, "0.3", "农业农村部公告第250号"),
    ("chloramphenicol", "meat", None, "0.3", "农业农村部公告第250号"),
    ("total_bacteria", "food", None, "100000", "GB 29921-2021"),
    ("heavy_metals", "cosmetics", None, "10", "化妆品安全技术规范（2015年版）"),
    ("formaldehyde", "textile", None, "75", "GB 18401-2010"),
]
PAST_DAYS = 5
# The demo's fourth officer, made through the staff service (the others' accounts come from ciq_portal/demo.py).
NIGHT_OFFICER = ("officer4", "NB0004", "周", "杰", ["cosmetics", "food", "toy", "electrical", "textile", "machinery"],
                 ["NGB-G1"])
# The weekly roster, every day of the week: a day and a night shift at the cold-chain centre and at the general
# yard, so that the demo's consignments (shrimps to the cold chain, skin care to the general yard) find an inspector
# on duty at any hour.
ROSTER = [
    ("officer1", "NGB-CC", time(8), time(20)),
    ("officer3", "NGB-CC", time(20), time(8)),
    ("officer2", "NGB-G1", time(8), time(20)),
    ("officer4", "NGB-G1", time(20), time(8)),
]


def _night_officer(sites, password):
    username, badge, family_name, given_name, categories, site_codes = NIGHT_OFFICER
    if not OfficerProfile.objects.filter(badge_no=badge).exists() and not User.objects.filter(
            username=username).exists():
        services.officer_create(actor=None, badge_no=badge, username=username, family_name=family_name,
                                given_name=given_name, email=f"{username}@ciq.example.cn", categories=categories,
                                sites=[sites[c] for c in site_codes], password=password)


def _roster(sites, since):
    """The weekly roster through the roster service, for officers who have none yet."""
    for username, site_code, starts_at, ends_at in ROSTER:
        profile = OfficerProfile.objects.filter(user__username=username).first()
        if profile is None or profile.roster.filter(site=sites[site_code]).exists():
            continue
        for weekday in range(7):
            services.roster_pattern_add(actor=None, officer=profile, site=sites[site_code], weekday=weekday,
                                        starts_at=starts_at, ends_at=ends_at, valid_from=since)


@transaction.atomic
def seed(*, password: str, stdout) -> None:
    sites = {}
    for code, name, name_en, kind, capacity in SITES:
        site = InspectionSite.objects.filter(code=code).first() or services.site_create(
            code=code, name=name, name_en=name_en, kind=kind, port="NGB", capacity_per_day=capacity)
        sites[code] = site
    supervisor, admin = (User.objects.filter(username=name).first() for name in ("supervisor", "admin"))
    if supervisor is not None and admin is not None:
        for site in sites.values():
            if site.supervisor_id is None:
                services.site_supervisor_set(site=site, supervisor=supervisor, actor=admin)
    today = timezone.localdate()
    profiles = []
    for username, badge, categories, site_codes in OFFICERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        profile = services.officer_profile_ensure(user=user, badge_no=badge, categories=categories,
                                                  sites=[sites[c] for c in site_codes])
        profiles.append(profile)
    _night_officer(sites, password)
    _roster(sites, since=today - timedelta(days=PAST_DAYS + 1))
    for name, name_en, kind, number, categories, items, status in LABS:
        if not Lab.objects.filter(accreditation_no=number).exists():
            lab = services.lab_register(name=name, name_en=name_en, kind=kind, accreditation_no=number,
                                        scope_categories=categories, scope_test_items=items,
                                        valid_from=today - timedelta(days=700), valid_until=today + timedelta(days=700))
            if status == LabStatus.SUSPENDED:
                _lab_status_set(lab, LabStatus.SUSPENDED, "演示：复检结果多次不一致", actor=None, automatic=True)
    items = {item.code: item for item in TestItem.objects.all()}
    for code, name, name_en, unit in TEST_ITEMS:
        if code not in items:
            items[code] = services.test_item_create(actor=None, code=code, name=name, name_en=name_en, unit=unit)
    for code, category, low, high, basis in TEST_LIMITS:
        if not TestLimit.objects.filter(item=items[code], category=category).exists():
            services.test_limit_set(actor=None, item=items[code], category=category, limit_min=low, limit_max=high,
                                    unit=items[code].unit, valid_from=today, basis=basis)
    # Seeds on schedule, as the beat keeps them: today's and tomorrow's committed, every ended day's revealed.
    services.draw_periods_rotate()
    stdout.write(f"  inspection: {len(sites)} sites, {OfficerProfile.objects.count()} officer profiles on a weekly "
                 f"roster, {Lab.objects.count()} labs, {TestLimit.objects.count()} limits")


# --- Past days' draws for the demo's history (release/demo.py), each made on its day --------------------------------


def _at(day, hour, minute):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def history_period(day) -> DrawPeriod:
    """A past day's period, committed (if new) as the beat would have: at 00:05 the day before."""
    period = DrawPeriod.objects.filter(day=day).first()
    if period is None:
        period = services.draw_period_commit(day=day)
        DrawPeriod.objects.filter(pk=period.pk).update(committed_at=_at(day - timedelta(days=1), 0, 5))
    return period


def history_draws_dated(at, *, declaration=None, task=None) -> None:
    """Date a past consignment's draws at the time they stand for (the service records the time it ran)."""
    made = Draw.objects.filter(declaration=declaration) if declaration is not None else Draw.objects.filter(task=task)
    made.update(created_at=at)


def history_draw(declaration, at):
    """The object draw of a past consignment, in its day's period (committed, not yet revealed), made at ``at``."""
    history_period(timezone.localdate(at))
    draw = services.object_draw_for_declaration(declaration=declaration, at=at)
    history_draws_dated(at, declaration=declaration)
    return draw


def history_reveal(days) -> None:
    """Reveal the past days' seeds as the beat would have, at 00:05 the day after, once their draws are made."""
    for day in sorted(days):
        if DrawPeriod.objects.filter(day=day, revealed_at__isnull=True).exists():
            services.draw_period_reveal(day=day)
            DrawPeriod.objects.filter(day=day).update(revealed_at=_at(day + timedelta(days=1), 0, 5))
