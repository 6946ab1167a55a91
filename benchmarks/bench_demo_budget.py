"""The demo within budget: `seed_demo` into a fresh database, as `make run` first does, then the supervisors'
dashboard figures per grade as `GET /api/v1/release-dashboard/` serves them (default period: the last 30 days).

The demo's months of history are submitted through the clearance pipeline (release/demo.py), so these are what the
engine did: every grade with >= 20 decisions within +-20 % of its budget is the target. Prints one line per grade
and one for the seed's time, with the volume, the database and the machine.

    .venv/bin/python benchmarks/bench_demo_budget.py                 # SQLite (the embedded default), in a temp dir
    DATABASE_URL=postgres://root@127.0.0.1:5432/ciq_bench_demo .venv/bin/python benchmarks/bench_demo_budget.py

A PostgreSQL database is dropped and created for the run.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import machine  # noqa: E402

MIN_DECISIONS = 20
TOLERANCE = 0.20


def fresh_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='ciq_bench_demo_')) / 'db.sqlite3'}"
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url


def main():
    url = fresh_database()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "CIQ_DEMO_HISTORY_SCALE": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    started = time.perf_counter()
    subprocess.run([*manage, "seed_demo"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seed_seconds = time.perf_counter() - started

    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="ciq_portal.settings.test",
                      SECRET_KEY="bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from ciq_portal.models import User
    from declarations.models import Declaration
    from release.models import ReleaseDecision

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="supervisor"))
    body = client.get("/api/v1/release-dashboard/").json()
    page = client.get("/release/dashboard/")
    volume = (f"{Declaration.objects.count()} declarations, {ReleaseDecision.objects.count()} decisions, "
              f"period {body['first']} .. {body['last']}")
    database = (f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite"
                else f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 100}")
    context = f"volume {volume} | database {database} | machine {machine()}"
    print(f"seed_demo (make run's first start): {seed_seconds:.0f} s | dashboard page {page.status_code} | {context}")
    for row in body["by_grade"]:
        budget, achieved, decided = float(row["budget"]), row["achieved"], row["decided"]
        judged = decided >= MIN_DECISIONS
        within = achieved is not None and abs(achieved - budget) <= TOLERANCE * budget
        verdict = ("met" if within else "NOT MET") if judged else f"fewer than {MIN_DECISIONS} decisions"
        shown = "—" if achieved is None else f"{100 * achieved:.2f} %"
        drawn = "—" if row["random_ratio"] is None else f"{100 * row['random_ratio']:.2f} %"
        print(f"demo grade {row['grade']} inspected: {shown} ({row['inspected']} of {decided}) against budget "
              f"{100 * budget:.2f} % | target within +-20 %: {verdict} | random share {drawn} | {context}")


if __name__ == "__main__":
    main()
