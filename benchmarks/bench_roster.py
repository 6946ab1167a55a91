"""Roster benchmark on PostgreSQL:

1. a roster of 500 officers × 4 weeks uploaded through the bulk roster service (a CSV of weekly duties, each
   officer on a rotating 8-hour shift every day, each week's duties valid for that week: 14,000 rows, read and
   checked for overlaps, all or nothing): target < 10 s;
2. drawing and dispatching 10,000 inspections over those rosters (who is on duty at which site read from the weekly
   duties, their exceptions and approved leave): target < 5 s, the figure bench_inspection.py keeps.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ciq_bench_roster .venv/bin/python benchmarks/bench_roster.py
    ... benchmarks/bench_roster.py --officers 20 --weeks 1 --tasks 200      # a quick check that it works

The database is created and migrated if needed; a rerun replaces the benchmark's rosters. Prints one line per
figure: figure, target, volume, database, machine.
"""

import argparse
import csv
import io
import os
import sys
import time
from contextlib import contextmanager
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import backend_cpu, ensure_database, machine  # noqa: E402

DEFAULT_URL = "postgres://root@127.0.0.1:5432/ciq_bench_roster"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

CATEGORIES = ["aquatic", "food", "cosmetics", "meat", "toy", "electrical", "textile", "machinery"]
# Three 8-hour shifts round the clock; an officer moves to the next one each week.
SHIFTS = [(clock(0), clock(8)), (clock(8), clock(16)), (clock(16), clock(0))]
ENTERPRISES = 1_000


def database() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"


def base_data(officers: int, tasks: int):
    """Two sites, ``officers`` officers qualified at both, an administrator, enterprises and declarations."""
    from django.contrib.auth.models import Group

    from ciq_portal.models import User
    from ciq_portal.roles import Role
    from ciq_portal.services import roles_sync
    from credit.models import Enterprise
    from declarations.models import Declaration
    from inspection.models import InspectionSite, OfficerProfile

    roles_sync()
    sites = [InspectionSite.objects.get_or_create(code=f"R-{kind}", defaults={
        "name": f"Roster bench {kind}", "kind": kind, "port": "NGB", "capacity_per_day": 100_000})[0]
        for kind in ("general", "cold_chain")]
    admin = User.objects.filter(username="roster_bench_admin").first()
    if admin is None:
        admin = User.objects.create(username="roster_bench_admin")
        admin.groups.add(Group.objects.get(name=Role.ADMINISTRATOR))
    have = OfficerProfile.objects.filter(badge_no__startswith="RB").count()
    if have < officers:
        users = User.objects.bulk_create(User(username=f"roster_bench{n:04d}") for n in range(have, officers))
        Group.objects.get(name=Role.OFFICER).user_set.add(*users)
        profiles = OfficerProfile.objects.bulk_create(
            OfficerProfile(user=u, badge_no=f"RB{n:05d}", categories=CATEGORIES[n % 4:] + CATEGORIES[:n % 4][:2])
            for n, u in zip(range(have, officers), users, strict=True))
        through = OfficerProfile.sites.through
        through.objects.bulk_create(through(officerprofile_id=p.pk, inspectionsite_id=s.pk)
                                    for p in profiles for s in sites)
    if Enterprise.objects.filter(name_zh__startswith="排班基准企业").count() < ENTERPRISES:
        Enterprise.objects.bulk_create(Enterprise(name_zh=f"排班基准企业{n}", external_id=f"RBENCH-E{n}")
                                       for n in range(ENTERPRISES))
    enterprises = list(Enterprise.objects.filter(name_zh__startswith="排班基准企业").values_list("pk", flat=True))
    have = Declaration.objects.filter(number__startswith="RBENCH").count()
    if have < tasks:
        Declaration.objects.bulk_create(
            (Declaration(number=f"RBENCH{n:08d}", enterprise_id=enterprises[n % len(enterprises)], port_of_entry="NGB",
                         departure_country="AU", status="awaiting_inspection") for n in range(have, tasks)),
            batch_size=5000)
    return sites, admin


def roster_csv(officers: int, weeks: int, sites) -> bytes:
    """The roster file: per officer, week and day one weekly duty valid for that week only."""
    from django.utils import timezone

    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["badge_no", "site", "weekday", "starts_at", "ends_at", "valid_from", "valid_until"])
    for n in range(officers):
        for week in range(weeks):
            starts, ends = SHIFTS[(n + week) % len(SHIFTS)]
            first = monday + timedelta(days=7 * week)
            for weekday in range(7):
                writer.writerow([f"RB{n:05d}", sites[n % 2].code, weekday + 1, starts.strftime("%H:%M"),
                                 ends.strftime("%H:%M"), first.isoformat(), (first + timedelta(days=6)).isoformat()])
    return out.getvalue().encode("utf-8")


def bench_upload(data: bytes, admin) -> tuple[float, int]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inspection.models import OfficerShift, RosterPattern
    from inspection.services import roster_import
    from inspection.staff_files import upload_rows

    RosterPattern.objects.filter(officer__badge_no__startswith="RB").delete()
    OfficerShift.objects.filter(officer__badge_no__startswith="RB").delete()
    upload = SimpleUploadedFile("roster.csv", data, content_type="text/csv")
    with measured() as cost:
        created = roster_import(actor=admin, rows=upload_rows(upload))
    return cost, len(created)


def bench_dispatch(sites, tasks: int) -> tuple[float, int]:
    from django.db import transaction
    from django.utils import timezone

    from declarations.models import Declaration
    from inspection.models import InspectionTask
    from inspection.services import inspection_tasks_dispatch

    declarations = list(Declaration.objects.filter(number__startswith="RBENCH").order_by("pk")
                        .values_list("pk", "enterprise_id")[:tasks])
    due = timezone.now() + timedelta(hours=8)
    with transaction.atomic():
        created = InspectionTask.objects.bulk_create(
            (InspectionTask(declaration_id=d, enterprise_id=e, reason="random", mode="supervised",
                            category=CATEGORIES[i % len(CATEGORIES)], site=sites[i % 2], due_at=due,
                            scheduled_for=timezone.localdate())
             for i, (d, e) in enumerate(declarations)), batch_size=5000)
    ids = [t.pk for t in created]
    with measured() as cost:
        assigned = len(inspection_tasks_dispatch(task_ids=ids))
    InspectionTask.objects.filter(pk__in=ids).update(status="concluded")  # a rerun starts from an empty queue
    return cost, assigned


@contextmanager
def measured():
    """Yields a dict filled on exit: wall seconds, this process's CPU seconds and its PostgreSQL backend's (what
    the work costs on a machine shared with other jobs, where the wall time also counts their share)."""
    cost = {}
    db_cpu, cpu, started = backend_cpu(), time.process_time(), time.perf_counter()
    yield cost
    cost["wall"], cost["cpu"] = time.perf_counter() - started, time.process_time() - cpu
    db_after = backend_cpu()
    cost["db_cpu"] = None if db_cpu is None or db_after is None else db_after - db_cpu
    cost["load"] = os.getloadavg()[0]


def described(cost) -> str:
    db = f" + {cost['db_cpu']:.2f} s PostgreSQL backend CPU" if cost["db_cpu"] is not None else ""
    return f"{cost['wall']:.2f} s wall ({cost['cpu']:.2f} s Python CPU{db}, load average {cost['load']:.1f})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--officers", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--tasks", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench_roster needs PostgreSQL: DATABASE_URL=postgres://...")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sites, admin = base_data(args.officers, args.tasks)
    where, host = database(), machine()
    data = roster_csv(args.officers, args.weeks, sites)
    rows = data.count(b"\n") - 1
    cost, created = bench_upload(data, admin)
    print(f"roster upload: {described(cost)} for {created} weekly duties | "
          f"target < 10 s | volume {args.officers} officers × {args.weeks} weeks ({rows} rows, 1 file) | "
          f"{where} | {host}")
    cost, assigned = bench_dispatch(sites, args.tasks)
    print(f"dispatch over rosters: {described(cost)} for {assigned} people draws + "
          f"assignments | target < 5 s | volume {args.tasks} inspections over {args.officers} rostered officers | "
          f"{where} | {host}")


if __name__ == "__main__":
    main()
