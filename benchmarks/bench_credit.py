"""Credit benchmark on PostgreSQL: nightly recomputation of 50,000 enterprises / 1,000,000 events (target < 30 s)
and one severe event recorded + its enterprise regraded (target < 50 ms).

    DATABASE_URL=postgres://root@127.0.0.1:5432/ciq_bench_credit .venv/bin/python benchmarks/bench_credit.py

The database is created and migrated if needed; the data set is generated set-based with COPY (once: a rerun
reuses it unless --regenerate). Prints one line per figure: figure, target, volume, database, machine.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import ensure_database, machine  # noqa: E402

DEFAULT_URL = "postgres://root@127.0.0.1:5432/ciq_bench_credit"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")


KINDS = [("inspection_passed", 1, 70), ("non_conformity", -8, 10), ("lab_failure", -12, 4), ("recall", -15, 2),
         ("agency_information", -5, 6), ("certification", 15, 5), ("penalty", -10, 2.5), ("falsification", -40, 0.3),
         ("smuggling", -60, 0.2)]


def generate(enterprises: int, events: int, seed: int = 2026) -> None:
    from django.db import connection

    from credit.models import GradeChange

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {GradeChange.events.through._meta.db_table}, {GradeChange._meta.db_table}, "
                       "credit_gradeobjection, credit_creditevent, credit_enterprisemembership, credit_enterprise "
                       "RESTART IDENTITY CASCADE")
        raw = cursor.connection
        with raw.cursor().copy("COPY credit_enterprise (external_id, name_zh, name_en, address, country, kind, status, "
                               "credit_grade, credit_score, credit_last_event_id, created_at) FROM STDIN") as copy:
            for i in range(enterprises):
                copy.write_row((f"BENCH-{i:06d}", f"基准企业{i}", f"Bench Enterprise {i}", "", "CN", "importer",
                                "active", "B", "70.00", 0, "2024-01-01T00:00:00+00:00"))
        cursor.execute("SELECT min(id) FROM credit_enterprise")
        first_id = cursor.fetchone()[0]
        names, weights, cum = [k[0] for k in KINDS], {k[0]: k[1] for k in KINDS}, [k[2] for k in KINDS]
        today = date.today()
        with raw.cursor().copy("COPY credit_creditevent (enterprise_id, kind, occurred_on, source, source_name, "
                               "evidence_type, evidence_id, weight, amount, external_reference, note, recorded_at) "
                               "FROM STDIN") as copy:
            for _ in range(events):
                # Skewed: a few enterprises import a lot.
                enterprise_id = first_id + min(enterprises - 1, int(rng.paretovariate(1.2) * 10) % enterprises
                                               if rng.random() < 0.3 else rng.randrange(enterprises))
                kind = rng.choices(names, cum)[0]
                occurred = today - timedelta(days=rng.randrange(0, 1100))
                amount = str(rng.choice([5000, 20000, 80000, 150000])) if kind == "penalty" else None
                copy.write_row((enterprise_id, kind, occurred.isoformat(), "system", "system", "declaration",
                                f"D{rng.randrange(10**9)}", weights[kind], amount, "", "",
                                f"{occurred.isoformat()}T12:00:00+00:00"))
        cursor.execute("ANALYZE credit_enterprise; ANALYZE credit_creditevent")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench_credit needs PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    from credit.models import CreditEvent, Enterprise, GradeChange
    from credit.services import credit_event_record, credit_grades_recompute

    if args.regenerate or Enterprise.objects.count() != args.enterprises or \
            CreditEvent.objects.count() < args.events:
        started = time.perf_counter()
        generate(args.enterprises, args.events)
        print(f"generated {args.enterprises:,} enterprises and {args.events:,} events in "
              f"{time.perf_counter() - started:.1f} s (COPY)", flush=True)
    else:
        # Start each run from the same state: every grade B with the base score, no grade changes.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {GradeChange.events.through._meta.db_table}, credit_gradeobjection, "
                           f"{GradeChange._meta.db_table} RESTART IDENTITY CASCADE")
            cursor.execute("DELETE FROM credit_creditevent WHERE source_name = 'bench-severe'")
            cursor.execute("UPDATE credit_enterprise SET credit_grade = 'B', credit_score = 70, "
                           "credit_last_event_id = 0, credit_graded_at = NULL")

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    volume = f"{Enterprise.objects.count():,} enterprises, {CreditEvent.objects.count():,} events"
    where = f"volume={volume}; database={database}; machine={machine()}"

    # The audit chain is sealed by a worker after commit (ciq_portal.audit); here the seal is held back during the
    # recomputation and timed on its own, as the worker would run it.
    from django.core.cache import cache

    from ciq_portal.audit import SEAL_PENDING_KEY, audit_seal

    audit_seal()
    cache.set(SEAL_PENDING_KEY, 1, timeout=3600)
    first = credit_grades_recompute()
    print(f"credit recompute (first run, {first.grades_changed:,} grades changed, {first.scores_updated:,} rows "
          f"written): {first.seconds:.2f} s; target < 30 s; {where}", flush=True)
    started = time.perf_counter()
    sealed = audit_seal()
    print(f"audit rows of that run sealed into the chain (worker, after commit): {sealed:,} rows in "
          f"{time.perf_counter() - started:.2f} s; {where}", flush=True)
    cache.set(SEAL_PENDING_KEY, 1, timeout=3600)
    second = credit_grades_recompute()
    print(f"credit recompute (steady state, {second.grades_changed:,} grades changed): {second.seconds:.2f} s; "
          f"target < 30 s; {where}", flush=True)

    audit_seal()
    cache.set(SEAL_PENDING_KEY, 1, timeout=3600)  # sealing is the worker's, after commit (timed above)
    rng = random.Random(5)
    ids = list(Enterprise.objects.filter(credit_grade__in=["B", "A", "C"]).values_list("pk", flat=True)[:2000])
    timings = []
    for i in range(30):
        enterprise = Enterprise.objects.get(pk=rng.choice(ids))
        started = time.perf_counter()
        credit_event_record(enterprise=enterprise, kind="lab_failure", source="system",
                            external_reference=f"bench-{time.time_ns()}-{i}", evidence_type="declaration",
                            evidence_id=f"D{i}", actor=None)
        timings.append((time.perf_counter() - started) * 1000)
    CreditEvent.objects.filter(external_reference__startswith="bench-").update(source_name="bench-severe")
    cache.delete(SEAL_PENDING_KEY)
    audit_seal()
    timings.sort()
    print(f"severe event recorded + enterprise regraded: median {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95) - 1]:.1f} ms (30 runs); target < 50 ms; {where}", flush=True)


if __name__ == "__main__":
    main()
