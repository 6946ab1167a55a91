"""Run the working-day locust scenario (benchmarks/locustfile.py) headless on loopback, bounded in time, and print
one figure line: requests/s, p50/p95/p99, errors. Target: 0 % errors at 100 concurrent users, p95 < 300 ms on
2 cores. The figures are those of the steady state: locust resets its statistics once all users have started
(--reset-stats), so the ramp-up's burst of log-ins (Argon2 hashing, by design slow) is not in them; errors during
the ramp-up are still reported by locust's log in the details folder.

    .venv/bin/python benchmarks/locust_run.py [--users 100] [--spawn-rate 2] [--duration 150]     (make locust)

Database: DATABASE_URL (default postgres://root@127.0.0.1:5432/ciq_bench_locust; created, migrated and loaded
with the demo data if needed). Server: gunicorn (production settings) + one Celery worker on REDIS_URL.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/ciq_bench_locust")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.submit_settings"

from benchmarks.bench_submit import ensure_database, machine, stop  # noqa: E402

DEMO_PASSWORD = "demo-pass-2026"


def prepare() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from ciq_portal.models import User

    call_command("migrate", verbosity=0, interactive=False)
    if not User.objects.filter(username="declarant_a").exists():
        os.environ.setdefault("DEMO_PASSWORD", DEMO_PASSWORD)
        call_command("seed_demo", "--force")

    def account(username):
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        return {"username": username, "password": DEMO_PASSWORD, "authorization": f"Token {token.key}"}

    credentials = {
        "declarant": [account(u) for u in ("declarant_a", "declarant_b")],
        "officer": [account(u) for u in ("officer1", "officer2", "officer3")],
        "supervisor": [account("supervisor")],
        "agency": [],
    }
    try:  # the demo agency gateway's published key; its rate limit raised for the run
        from ciq_portal.agencies import agency_client_update
        from ciq_portal.demo import DEMO_KEY
        from ciq_portal.models import AgencyClient

        gateway = AgencyClient.objects.get(user__username="customs-gateway")
        agency_client_update(client=gateway, actor=None, rate_limit="100000/min")
        credentials["agency"] = [{"username": "customs-gateway", "password": "",
                                  "authorization": f"Api-Key {DEMO_KEY}"}]
    except Exception as exc:  # noqa: BLE001 - agencies then poll with the demo agency user's token
        print(f"  (no agency API key: {exc}; using agency_customs' token)", file=sys.stderr)
        credentials["agency"] = [{**account("agency_customs"), "password": ""}]
    credentials["logistics_push"] = logistics_push_endpoint()
    return credentials


LOCUST_CONTAINER = "LOCU0000014"  # ISO 6346, on one open declaration of enterprise A for the agencies' pushes


def logistics_push_endpoint():
    """The single window's logistics push (agencies' logistics:push scope): {path, body} for the locustfile."""
    from datetime import date, timedelta

    from django.urls import NoReverseMatch, reverse

    from ciq_portal.models import User
    from declarations.models import Declaration

    try:
        path = reverse("logistics-event-list")
    except NoReverseMatch:
        return None
    if not Declaration.objects.filter(containers__contains=[LOCUST_CONTAINER]).exists():
        from declarations.services import declaration_create
        from release.services import clearance_submit

        user = User.objects.get(username="declarant_a")
        draft = declaration_create(
            enterprise=user.enterprise_membership.enterprise, actor=user, containers=[LOCUST_CONTAINER],
            bill_of_lading="BL-LOCUST-1", departure_country="DE", vessel_voyage="MV LOCUST 1E", trade_terms="CIF",
            arrival_date=date.today() + timedelta(days=5),
            lines=[{"hs_code": "847130", "description": "Portable computers", "origin_country": "CN",
                    "quantity": "10", "unit": "pcs", "value": "2000", "currency": "USD"}])
        clearance_submit(declaration=draft, actor=user)
    return {"path": path, "body": {"kind": "vessel_berthed", "container_no": LOCUST_CONTAINER,
                                   "bill_of_lading": "BL-LOCUST-1"}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=2,
                        help="users started per second (people log in over the first minute, not all at once)")
    parser.add_argument("--duration", type=int, default=150,
                        help="seconds of load, ramp-up included (then locust stops)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_GUNICORN_WORKERS", "4")))
    parser.add_argument("--port", type=int, default=8818)
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    credentials = prepare()
    from django.db import connection

    from benchmarks.bench_submit import database_label
    from declarations.models import Declaration

    where = database_label()
    before = Declaration.objects.count()
    connection.close()
    workdir = Path(tempfile.mkdtemp(prefix="ciq-locust-"))
    (workdir / "credentials.json").write_text(json.dumps(credentials))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOCUST_CIQ_CREDENTIALS": str(workdir / "credentials.json")}

    class Args:
        port, workers, worker_class, threads, celery_worker = args.port, args.workers, "sync", 1, True

    from benchmarks.bench_submit import start_processes

    load_before = os.getloadavg()[0]
    gunicorn, worker = start_processes(Args, workdir)
    try:
        subprocess.run(
            [str(Path(sys.executable).with_name("locust")), "-f", str(ROOT / "benchmarks" / "locustfile.py"),
             "--headless", "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
             "--host", f"http://127.0.0.1:{args.port}", "--csv", str(workdir / "run"), "--only-summary",
             "--stop-timeout", "10", "--loglevel", "WARNING", "--reset-stats"],
            env=env, cwd=str(ROOT), timeout=args.duration + 180, stdout=(workdir / "locust.log").open("w"),
            stderr=subprocess.STDOUT)
    finally:
        stop(gunicorn)
        stop(worker)

    rows = list(csv.DictReader((workdir / "run_stats.csv").open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    requests, failures = int(total["Request Count"]), int(total["Failure Count"])
    p50, p95, p99 = (float(total[k]) for k in ("50%", "95%", "99%"))
    rps = float(total["Requests/s"])
    error_pct = 100.0 * failures / requests if requests else 100.0
    met = failures == 0 and p95 < 300 and requests > 0
    worst = sorted((r for r in rows if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0))[:3]
    print("  slowest p95: " + "; ".join(f"{r['Name']} {r['95%']} ms" for r in worst), file=sys.stderr)
    failures_csv = workdir / "run_failures.csv"
    if failures and failures_csv.exists():
        for row in list(csv.DictReader(failures_csv.open()))[:5]:
            print(f"  failure: {row}", file=sys.stderr)
    print(f"locust working day ({args.users} users: declarants 60 %, officers 20 %, supervisors 10 %, agencies 10 %; "
          f"{args.duration} s): {rps:.1f} req/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, "
          f"errors {failures}/{requests} ({error_pct:.2f} %) [{'MET' if met else 'NOT MET'}] | target 0 % errors at "
          f"{args.users} users, p95 < 300 ms on 2 cores | volume {before:,} declarations at start, gunicorn "
          f"{args.workers} sync workers + 1 Celery worker | database {where} | machine {machine()}, load average "
          f"{load_before:.1f} before the run", flush=True)
    print(f"  details: {workdir}", file=sys.stderr)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
