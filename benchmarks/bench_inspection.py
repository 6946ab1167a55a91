"""Inspection benchmark on PostgreSQL:

1. drawing and dispatching 10,000 inspections over 200 inspectors (the draw of people with recorded inputs,
   assignments, one audit row per batch): target < 5 s;
2. an officer's queue page with 1,000,000 tasks in the database: target < 100 ms server time (median of 30).

    DATABASE_URL=postgres://root@127.0.0.1:5432/ciq_bench_inspection .venv/bin/python benchmarks/bench_inspection.py

The database is created and migrated if needed; the million tasks are generated set-based (once: a rerun reuses
them unless --regenerate). Prints one line per figure: figure, target, volume, database, machine.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import backend_cpu, ensure_database, machine  # noqa: E402

DEFAULT_URL = "postgres://root@127.0.0.1:5432/ciq_bench_inspection"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

INSPECTORS, DISPATCH_TASKS, QUEUE_TASKS, DECLARATIONS, ENTERPRISES = 200, 10_000, 1_000_000, 20_000, 1_000
CATEGORIES = ["aquatic", "food", "cosmetics", "meat", "toy", "electrical", "textile", "machinery"]


def database() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"


def base_data():
    """Sites, 200 on-duty inspectors with calendars, enterprises and declarations (idempotent)."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from ciq_portal.models import User
    from ciq_portal.roles import Role
    from ciq_portal.services import roles_sync
    from credit.models import Enterprise
    from declarations.models import Declaration
    from inspection.models import InspectionSite, OfficerProfile, OfficerShift

    roles_sync()
    sites = [InspectionSite.objects.get_or_create(code=f"B-{kind}", defaults={
        "name": f"Bench {kind}", "kind": kind, "port": "NGB", "capacity_per_day": 100_000})[0]
        for kind in ("general", "cold_chain")]
    group = Group.objects.get(name=Role.OFFICER)
    if not OfficerProfile.objects.filter(badge_no__startswith="BENCH").exists():
        users = User.objects.bulk_create(User(username=f"bench_officer{n:03d}") for n in range(INSPECTORS))
        group.user_set.add(*users)
        profiles = OfficerProfile.objects.bulk_create(
            OfficerProfile(user=u, badge_no=f"BENCH{n:04d}", categories=CATEGORIES[n % 4:] + CATEGORIES[:n % 4][:2])
            for n, u in enumerate(users))
        through = OfficerProfile.sites.through
        through.objects.bulk_create(through(officerprofile_id=p.pk, inspectionsite_id=s.pk)
                                    for p in profiles for s in sites)
    now = timezone.now()
    profiles = list(OfficerProfile.objects.filter(badge_no__startswith="BENCH"))
    if not OfficerShift.objects.filter(officer__in=profiles, starts_at__lte=now, ends_at__gt=now).exists():
        OfficerShift.objects.bulk_create(OfficerShift(officer=p, starts_at=now - timedelta(hours=1),
                                                      ends_at=now + timedelta(hours=12)) for p in profiles)
    if Enterprise.objects.filter(name_zh__startswith="基准企业").count() < ENTERPRISES:
        Enterprise.objects.bulk_create(Enterprise(name_zh=f"基准企业{n}", external_id=f"BENCH-E{n}")
                                       for n in range(ENTERPRISES))
    enterprises = list(Enterprise.objects.filter(name_zh__startswith="基准企业").values_list("pk", flat=True))
    if Declaration.objects.filter(number__startswith="BENCH").count() < DECLARATIONS:
        Declaration.objects.bulk_create(
            (Declaration(number=f"BENCH{n:08d}", enterprise_id=enterprises[n % len(enterprises)], port_of_entry="NGB",
                         departure_country="AU", status="awaiting_inspection") for n in range(DECLARATIONS)),
            batch_size=5000)
    return sites, profiles


def generate_queue_tasks(sites, profiles) -> None:
    """1,000,000 tasks: most concluded history, ~2 % open, spread over the 200 inspectors (set-based insert)."""
    from django.db import connection

    from declarations.models import Declaration
    from inspection.models import InspectionTask

    existing = InspectionTask.objects.count()
    if existing >= QUEUE_TASKS:
        return
    first_decl = Declaration.objects.filter(number__startswith="BENCH").order_by("pk").values_list("pk", flat=True)[0]
    users = [p.user_id for p in profiles]
    # Raw SQL, only here: a million rows set-based in seconds instead of minutes of ORM inserts.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO inspection_inspectiontask
                (declaration_id, enterprise_id, reason, mode, category, site_id, scheduled_for, priority, status,
                 assigned_to_id, sampling_required, created_at, assigned_at, due_at, checklist, findings, conclusion,
                 disposition)
            SELECT d.id, d.enterprise_id, 'random', 'supervised', 'aquatic', %(site)s,
                   (now() - (g %% 365) * interval '1 day')::date, 1 + g %% 3,
                   CASE WHEN g %% 50 = 0 THEN 'assigned' ELSE 'concluded' END,
                   (%(users)s::int[])[1 + g %% %(n_users)s], false,
                   now() - (g %% 525600) * interval '1 minute', now() - (g %% 525600) * interval '1 minute',
                   now() + interval '8 hours', '{}'::jsonb, '',
                   CASE WHEN g %% 50 = 0 THEN '' ELSE 'conform' END, ''
            FROM generate_series(%(start)s, %(stop)s) AS g
            JOIN declarations_declaration d ON d.id = %(first)s + g %% %(decls)s
            """,
            {"site": sites[0].pk, "users": users, "n_users": len(users), "start": existing + 1,
             "stop": QUEUE_TASKS, "first": first_decl, "decls": DECLARATIONS})
        cursor.execute("ANALYZE inspection_inspectiontask")


def bench_dispatch(sites) -> tuple[float, int]:
    from django.db import transaction
    from django.utils import timezone

    from declarations.models import Declaration
    from inspection.models import InspectionTask
    from inspection.services import inspection_tasks_dispatch

    declarations = list(Declaration.objects.filter(number__startswith="BENCH").order_by("pk")
                        .values_list("pk", "enterprise_id")[:DISPATCH_TASKS])
    due = timezone.now() + timedelta(hours=8)
    with transaction.atomic():
        tasks = InspectionTask.objects.bulk_create(
            (InspectionTask(declaration_id=d, enterprise_id=e, reason="random", mode="supervised",
                            category=CATEGORIES[i % len(CATEGORIES)], site=sites[i % 2], due_at=due,
                            scheduled_for=timezone.localdate())
             for i, (d, e) in enumerate(declarations)), batch_size=5000)
    ids = [t.pk for t in tasks]
    db_cpu = backend_cpu()
    started, cpu = time.perf_counter(), time.process_time()
    assigned = len(inspection_tasks_dispatch(task_ids=ids))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    db_after = backend_cpu()
    cpu = (cpu, None if db_cpu is None or db_after is None else db_after - db_cpu)
    # leave the queue figure undisturbed: these tasks were for the dispatch measure only
    InspectionTask.objects.filter(pk__in=ids).update(status="concluded")
    return elapsed, assigned, cpu


def bench_queue(profile) -> list[float]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(profile.user)
    client.get("/inspection/")  # warm up
    timings = []
    for _ in range(30):
        started = time.perf_counter()
        response = client.get("/inspection/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get("/inspection/")
    reset_queries()
    return timings, len(queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--only", choices=["dispatch", "queue"])
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench_inspection needs PostgreSQL: DATABASE_URL=postgres://...")
    ensure_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from inspection.models import InspectionTask

    if args.regenerate:
        InspectionTask.objects.filter(declaration__number__startswith="BENCH")._raw_delete("default")
    sites, profiles = base_data()
    generate_queue_tasks(sites, profiles)
    where = database()
    host = machine()
    if args.only != "queue":
        dispatch_figure(sites, where, host)
    if args.only != "dispatch":
        queue_figure(profiles, where, host)


def dispatch_figure(sites, where, host):
    elapsed, assigned, (cpu, db_cpu) = bench_dispatch(sites)
    load = os.getloadavg()[0]
    db = f" + {db_cpu:.2f} s PostgreSQL backend CPU" if db_cpu is not None else ""
    print(f"inspection dispatch: {elapsed:.2f} s wall ({cpu:.2f} s Python CPU{db}, load average {load:.1f}) for "
          f"{assigned} people draws + assignments | target < 5 s | "
          f"volume {DISPATCH_TASKS} inspections over {INSPECTORS} inspectors | {where} | {host}")


def queue_figure(profiles, where, host):
    from inspection.models import InspectionTask

    total = InspectionTask.objects.count()
    busiest = max(profiles, key=lambda p: InspectionTask.objects.filter(assigned_to_id=p.user_id,
                                                                        status="assigned").count())
    timings, queries = bench_queue(busiest)  # noqa: F841
    open_tasks = InspectionTask.objects.filter(assigned_to_id=busiest.user_id,
                                               status__in=["assigned", "claimed"]).count()
    print(f"officer queue page: median {statistics.median(timings):.1f} ms, p95 "
          f"{sorted(timings)[int(len(timings) * 0.95) - 1]:.1f} ms server time | target < 100 ms | "
          f"volume {total:,} tasks in the DB, {open_tasks} open for this officer | {where} | {host}")


if __name__ == "__main__":
    main()
