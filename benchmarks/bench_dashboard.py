"""Release dashboard benchmark on PostgreSQL: the supervisors' dashboard over 1,000,000 declarations (a port's
year) must answer in under 500 ms of server time.

    DATABASE_URL=postgres://root@127.0.0.1:5432/ciq_bench_release .venv/bin/python benchmarks/bench_dashboard.py

The database is created and migrated if needed; the data set (enterprises of every grade, declarations over 365
days and four ports, their release decisions, releases with clearance times, concluded inspections, samples and lab
orders, open tasks, recalls) is generated set-based with INSERT ... SELECT generate_series (once: a rerun reuses it
unless --regenerate). The summary rows are then rebuilt by the same service the Celery beat task runs, and the
dashboard page (all figures, charts and tables) is requested through Django's full stack. Prints one line per
figure: figure, target, volume, database, machine.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import ensure_database, machine  # noqa: E402

DEFAULT_URL = "postgres://root@127.0.0.1:5432/ciq_bench_release"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")


def insert_select(cursor, model, exprs: dict, source: str) -> None:
    """INSERT INTO model's table SELECT ... FROM source: columns in ``exprs`` get their SQL expression, the others
    NULL or their Django default (so the benchmark survives columns added later by other apps)."""
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in exprs:
            continue
        columns.append(f'"{field.column}"')
        if field.column in exprs:
            values.append(exprs[field.column].replace("%", "%%"))
        elif field.null:
            values.append("NULL")
        elif field.has_default():
            default = field.get_default()
            if field.get_internal_type() == "JSONField":
                values.append("%s::jsonb")
                params.append(json.dumps(default))
            else:
                values.append("%s")
                params.append(default)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append("now()")
        else:
            values.append("''")
    cursor.execute(f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) SELECT {", ".join(values)} '
                   f"FROM {source.replace('%', '%%')}", params)


def generate(declarations: int, enterprises: int) -> None:
    from django.db import connection

    from credit.models import Enterprise
    from declarations.models import Declaration
    from inspection.models import InspectionTask, Lab, LabOrder, Sample
    from release.models import Recall, Release, ReleaseDecision

    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        for table in ("release_recallnotice", "release_recall", "release_distributionrecord",
                      "release_postreleasecheck", "release_certificate", "release_enterprisetightening",
                      "release_release", "release_releasedecision", "release_dailyreleasestat", "release_dailysitestat",
                      "release_clearancebucket", "release_stagebucket", "release_stagebucketmonth",
                      "release_statsrefresh", "inspection_labresult", "inspection_laborder",
                      "inspection_custodyentry", "inspection_sample", "declarations_logisticsevent_declarations",
                      "declarations_logisticsevent", "inspection_tasknote", "inspection_draw",
                      "inspection_inspectiontask", "declarations_declarationevent", "declarations_goodsline",
                      "declarations_declaration"):
            cursor.execute(f'TRUNCATE "{table}" RESTART IDENTITY CASCADE')
        cursor.execute("DELETE FROM credit_enterprise WHERE external_id LIKE 'BENCHREL-%%'")
        insert_select(cursor, Enterprise, {
            "external_id": "'BENCHREL-' || g", "name_zh": "'基准进口商' || g", "name_en": "'Bench importer ' || g",
            "credit_grade": "(ARRAY['AA','A','A','B','B','B','B','C','D'])[1 + (g % 9)]", "credit_score": "70",
            "credit_last_event_id": "0", "created_at": "now()", "country": "'CN'", "kind": "'importer'",
            "status": "'active'"}, f"generate_series(1, {enterprises}) AS g")
        cursor.execute("SELECT min(id), max(id) FROM credit_enterprise WHERE external_id LIKE 'BENCHREL-%%'")
        first, last = cursor.fetchone()
        span = last - first + 1
        # Declarations spread over the last 365 days, ports weighted towards NGB.
        cursor.execute("CREATE TEMP TABLE bench_d AS SELECT g, "
                       f"{first} + (g::bigint * 7919) % {span} AS enterprise_id, "
                       "(ARRAY['NGB','NGB','NGB','NGB','ZOS','ZOS','WZH','TZO'])[1 + (g % 8)] AS port, "
                       "(ARRAY['low','low','low','medium','medium','high','very_high'])[1 + (g * 31 % 7)] AS tier, "
                       "now() - make_interval(secs => ((g::bigint * 7919) % 31536000)::int) - interval '2 hours' "
                       "AS submitted_at, "
                       "random() AS r1, random() AS r2, random() AS r3 "
                       f"FROM generate_series(1, {declarations}) AS g")
        insert_select(cursor, Declaration, {
            "number": "'BR' || lpad(g::text, 10, '0')", "enterprise_id": "enterprise_id", "status": "'released'",
            "port_of_entry": "port", "departure_country": "'AU'", "transport_mode": "'sea'", "source": "'api'",
            "bill_of_lading": "'BL' || g", "containers": "'[]'::jsonb",
            "arrival_date": "(submitted_at - interval '1 day')::date",
            "inspection_place": "'port'", "created_at": "submitted_at", "updated_at": "submitted_at",
            "submitted_at": "submitted_at"}, "bench_d")
        cursor.execute("ALTER TABLE bench_d ADD COLUMN declaration_id bigint")
        cursor.execute("UPDATE bench_d SET declaration_id = d.id FROM declarations_declaration d "
                       "WHERE d.number = 'BR' || lpad(bench_d.g::text, 10, '0')")
        # The decision: the default matrix on tier x grade; the random draw at the grade's ratio.
        cursor.execute("""CREATE TEMP TABLE bench_dec AS SELECT b.*, e.credit_grade AS grade,
            CASE WHEN b.tier = 'very_high' OR e.credit_grade = 'D' THEN 'supervised'
                 WHEN e.credit_grade = 'C' THEN (CASE WHEN b.tier = 'high' THEN 'supervised' ELSE 'sample' END)
                 WHEN b.tier = 'high' THEN (CASE WHEN e.credit_grade = 'AA' THEN 'verify' ELSE 'sample' END)
                 WHEN b.tier = 'medium' THEN (CASE WHEN e.credit_grade = 'AA' THEN 'declare' ELSE 'verify' END)
                 ELSE (CASE WHEN e.credit_grade IN ('AA','A') THEN 'declare' ELSE 'verify' END) END AS mode,
            b.r1 < (CASE e.credit_grade WHEN 'AA' THEN 0.0057 WHEN 'A' THEN 0.0169 WHEN 'B' THEN 0.0244
                                        WHEN 'C' THEN 0.2 ELSE 0.8476 END) AS random_selected
            FROM bench_d b JOIN credit_enterprise e ON e.id = b.enterprise_id""")
        cursor.execute("""ALTER TABLE bench_dec ADD COLUMN reason text; UPDATE bench_dec SET reason =
            CASE WHEN mode IN ('sample','supervised') AND tier IN ('high','very_high') THEN 'risk'
                 WHEN mode IN ('sample','supervised') THEN 'release_mode' WHEN random_selected THEN 'random'
                 ELSE '' END""")
        insert_select(cursor, ReleaseDecision, {
            "declaration_id": "declaration_id", "enterprise_id": "enterprise_id", "decided_at": "submitted_at",
            "decided_on": "(submitted_at AT TIME ZONE 'Asia/Shanghai')::date", "port": "port", "grade": "grade",
            "tier": "tier", "risk_score": "round((r2 * 100)::numeric, 1)", "matrix_version": "0",
            "matrix_mode": "mode", "mode": "mode", "forced_by": "'[]'::jsonb", "random_selected": "random_selected",
            "inspection_required": "reason <> ''", "inspection_reason": "reason", "inspection_place": "'port'",
            "destination_office": "''", "next_step": "'none'", "on_hold": "false", "inputs": "'{}'::jsonb"},
            "bench_dec")
        # Concluded inspections (7 % of the risk-targeted and 2.5 % of the random ones non-conform).
        from ciq_portal.models import User

        officer = User.objects.get_or_create(username="bench-officer")[0].pk
        insert_select(cursor, InspectionTask, {
            "declaration_id": "b.declaration_id", "enterprise_id": "b.enterprise_id", "reason": "b.reason",
            "mode": "b.mode", "category": "''", "priority": "3", "status": "'concluded'",
            "assigned_to_id": str(officer), "sampling_required": "b.mode IN ('sample','supervised')",
            "created_at": "b.submitted_at", "assigned_at": "b.submitted_at", "claimed_at": "b.submitted_at",
            "due_at": "b.submitted_at + interval '1 day'", "concluded_at": "b.submitted_at + interval '90 minutes'",
            "checklist": "'{}'::jsonb", "findings": "''",
            "conclusion": "CASE WHEN b.r3 < (CASE WHEN b.reason = 'random' THEN 0.025 ELSE 0.07 END) "
                          "THEN 'non_conform' ELSE 'conform' END",
            "disposition": "CASE WHEN b.r3 < (CASE WHEN b.reason = 'random' THEN 0.025 ELSE 0.07 END) "
                           "THEN 'destroy' ELSE '' END", "concluded_by_id": str(officer),
            "scheduled_for": "b.submitted_at::date"}, "bench_dec b WHERE b.reason <> ''")
        cursor.execute("UPDATE release_releasedecision r SET task_id = t.id FROM inspection_inspectiontask t "
                       "WHERE t.declaration_id = r.declaration_id")
        # Open tasks now (the queue), on the latest day's declarations.
        cursor.execute("UPDATE inspection_inspectiontask SET status = 'claimed', conclusion = '', disposition = '', "
                       "concluded_at = NULL WHERE id IN (SELECT id FROM inspection_inspectiontask "
                       "ORDER BY created_at DESC LIMIT 400)")
        # Releases: everything except non-conform inspections and open tasks, with clearance times per mode.
        cursor.execute("""CREATE TEMP TABLE bench_rel AS SELECT b.*, r.id AS decision_id,
            (CASE b.mode WHEN 'declare' THEN 2 + b.r2 * 30 WHEN 'verify' THEN 240 + b.r2 * 2600
                         WHEN 'sample' THEN 120 + b.r2 * 800 ELSE 600 + b.r2 * 3700 END)::int AS minutes
            FROM bench_dec b JOIN release_releasedecision r ON r.declaration_id = b.declaration_id
            LEFT JOIN inspection_inspectiontask t ON t.id = r.task_id
            WHERE t.id IS NULL OR (t.status = 'concluded' AND t.conclusion = 'conform')""")
        from release.clearance import BUCKET_EDGES

        edges = "ARRAY[" + ",".join(str(e) for e in BUCKET_EDGES) + "]::int[]"
        bucket = "(SELECT count(*) - 1 FROM unnest({e}) AS edge WHERE edge <= {m})"
        insert_select(cursor, Release, {
            "declaration_id": "declaration_id", "enterprise_id": "enterprise_id", "decision_id": "decision_id",
            "mode": "mode", "status": "'released'",
            "inspection_result": "CASE WHEN reason <> '' THEN 'conform' WHEN mode = 'verify' THEN "
                                 "'documents_verified' ELSE 'not_inspected' END",
            "trace_code": "md5(g::text || 'trace')", "released_at": "submitted_at + make_interval(mins => minutes)",
            "released_on": "((submitted_at + make_interval(mins => minutes)) AT TIME ZONE 'Asia/Shanghai')::date",
            "port": "port", "grade": "grade", "minutes_from_submission": "minutes",
            "minutes_from_arrival": "minutes + 1440",
            "bucket_submission": bucket.format(e=edges, m="minutes"),
            "bucket_arrival": bucket.format(e=edges, m="minutes + 1440")}, "bench_rel")
        cursor.execute("UPDATE declarations_declaration d SET status = 'rejected' FROM inspection_inspectiontask t "
                       "WHERE t.declaration_id = d.id AND t.conclusion = 'non_conform'")
        # Lab orders of the sample-release inspections (turnaround 1 to 5 days).
        lab = Lab.objects.get_or_create(accreditation_no="BENCH-LAB", defaults={
            "name": "Bench lab", "name_en": "Bench lab", "kind": "bureau", "valid_from": date(2020, 1, 1),
            "valid_until": date(2099, 1, 1), "status": "active"})[0].pk
        insert_select(cursor, Sample, {
            "task_id": "t.id", "sample_no": "'BS' || t.id", "description": "'bench'", "quantity": "1",
            "unit": "'kg'", "seal_no": "'S' || t.id", "taken_by_id": str(officer), "taken_at": "t.created_at"},
            "inspection_inspectiontask t WHERE t.mode = 'sample'")
        insert_select(cursor, LabOrder, {
            "task_id": "s.task_id", "sample_id": "s.id", "lab_id": str(lab), "test_items": "'[\"lead\"]'::jsonb",
            "status": "'resulted'", "ordered_by_id": str(officer), "ordered_at": "s.taken_at",
            "resulted_at": "s.taken_at + make_interval(hours => 24 + (s.id % 96)::int)"}, "inspection_sample s")
        insert_select(cursor, Recall, {
            "release_id": "r.id", "source": "'lab_failure'", "reason": "'bench recall'", "status": "'open'",
            "opened_at": "r.released_at + interval '3 days'"},
            "(SELECT id, released_at FROM release_release ORDER BY id DESC LIMIT 25) r")
        # The Time Release Study's events: the logistics arrival on 90 % of the declarations (a few hours to a day
        # before submission) and a port-release gate-out after 80 % of the releases.
        cursor.execute("UPDATE declarations_declaration d SET arrived_at = b.submitted_at "
                       "- make_interval(mins => (60 + b.r3 * 1380)::int) FROM bench_d b "
                       "WHERE b.declaration_id = d.id AND b.r3 < 0.9")
        cursor.execute("""CREATE TEMP TABLE bench_gate AS SELECT r.declaration_id,
            r.released_at + make_interval(mins => (30 + b.r1 * 600)::int) AS occurred_at
            FROM release_release r JOIN bench_d b ON b.declaration_id = r.declaration_id WHERE b.r2 < 0.8""")
        from declarations.models import LogisticsEvent

        insert_select(cursor, LogisticsEvent, {
            "source": "'bench'", "external_id": "'gate-' || declaration_id", "kind": "'port_release'",
            "container_no": "'BENCH0000000'", "bill_of_lading": "''", "vessel_voyage": "''", "location": "''",
            "occurred_at": "occurred_at", "received_at": "occurred_at", "fingerprint": "''"}, "bench_gate")
        cursor.execute("INSERT INTO declarations_logisticsevent_declarations (logisticsevent_id, declaration_id) "
                       "SELECT e.id, g.declaration_id FROM bench_gate g JOIN declarations_logisticsevent e "
                       "ON e.source = 'bench' AND e.external_id = 'gate-' || g.declaration_id")
        cursor.execute("DROP TABLE bench_d, bench_dec, bench_rel, bench_gate")
        for table in ("declarations_declaration", "release_releasedecision", "release_release",
                      "inspection_inspectiontask", "inspection_laborder", "credit_enterprise",
                      "declarations_logisticsevent", "declarations_logisticsevent_declarations"):
            cursor.execute(f'ANALYZE "{table}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--declarations", type=int, default=1_000_000)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if not url.startswith("postgres"):
        sys.exit("bench_dashboard needs PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0, interactive=False)
    from ciq_portal.models import User
    from ciq_portal.roles import Role
    from ciq_portal.services import roles_sync, user_ensure
    from declarations.models import Declaration
    from release.models import DailyReleaseStat, Release
    from release.services import release_stats_refresh

    if args.regenerate or Declaration.objects.count() < args.declarations:
        started = time.perf_counter()
        with transaction.atomic():
            generate(args.declarations, args.enterprises)
        print(f"generated {args.declarations:,} declarations with decisions, releases and inspections in "
              f"{time.perf_counter() - started:.1f} s (INSERT ... SELECT)", file=sys.stderr, flush=True)
        DailyReleaseStat.objects.all().delete()

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    volume = (f"{Declaration.objects.count():,} declarations, {Release.objects.count():,} releases over 365 days, "
              f"4 ports")
    where = f"volume={volume}; database={database}; machine={machine()}"

    today = timezone.localdate()
    started = time.perf_counter()
    rows = release_stats_refresh(first_day=today - timedelta(days=370), last_day=today)
    print(f"summary rebuild (full year, {rows:,} rows; the Celery beat task refreshes only the last 2 days): "
          f"{time.perf_counter() - started:.2f} s; target none (offline); {where}", flush=True)
    started = time.perf_counter()
    release_stats_refresh()
    print(f"summary refresh of the last 2 days (Celery beat, every 5 minutes): "
          f"{(time.perf_counter() - started) * 1000:.0f} ms; target < 60 s; {where}", flush=True)

    roles_sync()
    user_ensure(username="bench-supervisor", password="bench-pass-2026", role=Role.SUPERVISOR)
    client = Client()
    client.force_login(User.objects.get(username="bench-supervisor"))
    cases = [
        ("full year, all ports and grades", f"?first={today - timedelta(days=364)}&last={today}"),
        ("last 30 days (default)", ""),
        ("one quarter, port NGB, grade B, from arrival",
         f"?first={today - timedelta(days=90)}&last={today}&port=NGB&grade=B&basis=arrival"),
    ]
    for label, query in cases:
        assert client.get(f"/release/dashboard/{query}").status_code == 200  # warm-up
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(f"/release/dashboard/{query}")
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        timings.sort()
        verdict = "met" if timings[-1] < 500 else "NOT MET"
        print(f"release dashboard page, {label}: median {statistics.median(timings):.0f} ms, max {timings[-1]:.0f} ms "
              f"server time ({args.runs} runs, whole Django request: queries, SVG charts, tables); "
              f"target < 500 ms ({verdict}); {where}", flush=True)
    from release.models import StageBucketMonth
    from release.selectors import Period, stage_figures

    stage_rows = StageBucketMonth.objects.count()
    figures = stage_figures(Period(first=today - timedelta(days=364), last=today))
    print("Time Release Study, full year, all ports (hours: median / 90th percentile / share %, consignments timed; "
          f"{stage_rows:,} monthly stage rows):", flush=True)
    for row in figures["stages"]:
        share = "—" if row["share"] is None else f"{100 * row['share']:.1f}"
        print(f"  {row['stage']}: {row['median_hours']} / {row['p90_hours']} / {share} %, {row['timed']:,} timed",
              flush=True)
    json_url = f"/release/dashboard/export.json?first={today - timedelta(days=364)}&last={today}&site="
    assert client.get(json_url).status_code == 200
    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        assert client.get(json_url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(f"release dashboard JSON with the stages, full year: median {statistics.median(timings):.0f} ms, max "
          f"{timings[-1]:.0f} ms; target < 500 ms ({'met' if timings[-1] < 500 else 'NOT MET'}); {where}", flush=True)
    for fmt in ("csv", "xlsx"):
        url = f"/release/dashboard/export.{fmt}?first={today - timedelta(days=364)}&last={today}"
        assert client.get(url).status_code == 200  # warm-up (imports openpyxl once per process)
        started = time.perf_counter()
        response = client.get(url)
        assert response.status_code == 200
        print(f"release dashboard export {fmt.upper()}, full year: {(time.perf_counter() - started) * 1000:.0f} ms; "
              f"target < 500 ms; {where}", flush=True)
    started = time.perf_counter()
    assert client.get("/public/statistics/").status_code == 200
    print(f"public statistics page (12 months): {(time.perf_counter() - started) * 1000:.0f} ms; target < 500 ms; "
          f"{where}", flush=True)


if __name__ == "__main__":
    main()
