"""The submit pipeline through HTTP: gunicorn on PostgreSQL, 16 connections on loopback,
declarations of 5 goods lines. The full submit (POST /api/v1/declarations/{id}/submit/ with an Idempotency-Key:
validation, risk assessment, release mode, dual-random overlay, audit, idempotency) is measured ALTERNATELY with a
bare Django + DRF endpoint that only writes a declaration with its 5 lines (benchmarks/submit_urls.py, not part of
the product), in the same server and the same run, since these machines' speed drifts.

Regression guard (a floor new features keep): full submit rate >= 0.30 x bare rate, full p99 within 4 x bare p99,
no errors. Also printed: the CPU each group of processes (gunicorn, celery, postgres, redis) spent per full submit
and per bare write, read from /proc around each round, and the CPU of all of them per submit as a multiple of a
bare write's; and "file + submit" (create the declaration through the API, then submit it: the two requests a
declarant's system makes), per declaration.

    .venv/bin/python benchmarks/bench_submit.py [--rounds 3] [--round-seconds 12] [--volume 100000]

Database: DATABASE_URL (default postgres://root@127.0.0.1:5432/ciq_bench_submit; created and migrated if needed).
Redis: REDIS_URL (default redis://127.0.0.1:6379/8) for Celery; a worker (-c 1) runs during the run, as deployed.
Bounded: each round stops at --round-jobs jobs or --round-seconds seconds, whichever comes first.
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import CPU_GROUPS, cpu_seconds_by_group, ensure_database, machine  # noqa: E402

# The floor the submit keeps: the figures measured when it was set (0.30 x the bare rate, p99 3.50 x the bare p99).
GUARD_RATE = 0.30
GUARD_P99 = 4.0
DEFAULT_URL = "postgres://root@127.0.0.1:5432/ciq_bench_submit"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.submit_settings"

from benchmarks.loadgen import percentile, run_round  # noqa: E402

ENTERPRISES = 50  # bench enterprises, each with its own declarant and token
HISTORY_ENTERPRISES = 500
LINES = [  # goods that need no supporting document, so a draft can be submitted as it is
    ("847130", "Portable computers, 14 inch", "CN", "200", "pcs", "420", "42000"),
    ("851650", "Microwave ovens, 20 l", "KR", "300", "pcs", "3600", "24000"),
    ("610910", "Cotton T-shirts, knitted", "BD", "5000", "pcs", "1100", "15000"),
    ("640399", "Leather shoes", "VN", "1200", "pairs", "1400", "36000"),
    ("950300", "Plastic building-block toys", "DE", "800", "sets", "640", "12800"),
]


def line_payload(n: int) -> list[dict]:
    return [{"hs_code": hs, "description": desc, "origin_country": origin, "quantity": qty, "unit": unit,
             "net_weight_kg": str(100 + i), "gross_weight_kg": str(110 + i), "value": value, "currency": "USD",
             "manufacturer_name": f"Maker {i}", "lot_numbers": f"L{n}-{i}"}
            for i, (hs, desc, origin, qty, unit, _w, value) in enumerate(LINES, 1)]


def container_number(n: int) -> str:
    """An ISO 6346 container number (owner BNC, category U, serial n, check digit)."""
    values, v = {}, 10
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if v % 11 == 0:
            v += 1
        values[letter] = v
        v += 1
    body = f"BNCU{n % 1000000:06d}"
    total = sum((values[c] if c.isalpha() else int(c)) * 2 ** i for i, c in enumerate(body))
    return body + str(total % 11 % 10)


def header_payload(n: int) -> dict:
    return {"port_of_entry": "NGB", "transport_mode": "sea", "vessel_voyage": f"BENCH {n % 97}E",
            "bill_of_lading": f"BLB{n:010d}", "containers": [container_number(n)],
            "departure_country": "CN", "use_of_goods": "retail", "trade_terms": "CIF",
            "arrival_date": (date.today() + timedelta(days=3)).isoformat()}


def database_label() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
    return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"


def setup(volume: int):
    """Migrate, create the bench enterprises, declarants and tokens, and the historical declarations."""
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from ciq_portal.models import User
    from ciq_portal.roles import Role
    from ciq_portal.services import roles_sync
    from credit.models import Enterprise, EnterpriseMembership
    from credit.validators import uscc_check_character

    call_command("migrate", verbosity=0, interactive=False)
    roles_sync()
    declarant_group = Group.objects.get(name=Role.DECLARANT)

    def uscc(n):
        body = f"91330200BE{n:07d}"
        return body + uscc_check_character(body)

    enterprises = []
    for n in range(HISTORY_ENTERPRISES):
        enterprise, _ = Enterprise.objects.get_or_create(uscc=uscc(n), defaults={
            "name_zh": f"基准企业{n}", "name_en": f"Bench Enterprise {n}",
            "credit_grade": random.Random(n).choice(["AA", "A", "B", "B", "B", "C"])})
        enterprises.append(enterprise)
    tokens = []
    for n, enterprise in enumerate(enterprises[:ENTERPRISES]):
        user, created = User.objects.get_or_create(username=f"bench_declarant_{n}")
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(declarant_group)
            EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    preload_history(enterprises, volume)
    return enterprises[:ENTERPRISES], tokens


def preload_history(enterprises, volume: int) -> None:
    """Released declarations of the past year (5 lines each), so that risk features read a realistic history."""
    from django.db import transaction
    from django.utils import timezone

    from declarations.models import Declaration, GoodsLine

    have = Declaration.objects.filter(number__startswith="HIST").count()
    if have >= volume:
        return
    rng = random.Random(2026)
    now = timezone.now()
    modes = ["declare", "declare", "declare", "verify", "sample", "supervised"]
    codes = [line[0] for line in LINES] + ["030617", "040221", "330499", "220421", "080810"]
    started = time.perf_counter()
    batch = 5000
    for start in range(have, volume, batch):
        with transaction.atomic():
            declarations = []
            for n in range(start, min(volume, start + batch)):
                submitted = now - timedelta(days=rng.uniform(1, 365))
                declarations.append(Declaration(
                    number=f"HIST{n:012d}", enterprise_id=rng.choice(enterprises).pk, source="historical",
                    status="released", port_of_entry="NGB",
                    departure_country=rng.choice(["AU", "CN", "DE", "US", "VN"]),
                    bill_of_lading=f"BLH{n:010d}", release_mode=rng.choice(modes), submitted_at=submitted,
                    released_at=submitted + timedelta(hours=rng.uniform(1, 72))))
            Declaration.objects.bulk_create(declarations, batch_size=batch)
            lines = []
            for declaration in declarations:
                for i in range(1, 6):
                    value = Decimal(rng.randint(1000, 90000))
                    lines.append(GoodsLine(declaration=declaration, line_no=i, hs_code=rng.choice(codes),
                                           description="historical goods", origin_country="CN",
                                           quantity=Decimal(rng.randint(10, 5000)), unit="pcs", value=value,
                                           currency="USD"))
            GoodsLine.objects.bulk_create(lines, batch_size=batch * 5)
        print(f"  history: {min(volume, start + batch):,} / {volume:,} declarations "
              f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics for the planner after the bulk load
        cursor.execute("ANALYZE declarations_declaration")
        cursor.execute("ANALYZE declarations_goodsline")


def file_drafts(enterprises, count: int) -> list[int]:
    """Drafts filed through the product's own service (the same rows POST /api/v1/declarations/ makes)."""
    from ciq_portal.models import User
    from declarations.services import declaration_create

    users = {e.pk: User.objects.get(enterprise_membership__enterprise=e) for e in enterprises}
    ids = []
    tag = uuid.uuid4().hex[:6]
    for n in range(count):
        enterprise = enterprises[n % len(enterprises)]
        header = header_payload(n)
        header["bill_of_lading"] = f"BLD{tag}{n:07d}"
        declaration = declaration_create(enterprise=enterprise, actor=users[enterprise.pk], lines=line_payload(n),
                                         **{k: v for k, v in header.items() if k != "port_of_entry"})
        ids.append(declaration.pk)
    return ids


def signing_key_given(env, directory: Path) -> None:
    """The production profile signs each release's certificate with a key it is given, never one it makes up: unless
    ``env`` names one, a key made for the run, in ``directory``."""
    if env.get("CIQ_SIGNING_KEY_FILE") or env.get("CIQ_SIGNING_KEY"):
        return
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from ciq_portal.signing import write_private_key

    write_private_key(directory / "signing-key.pem", Ed25519PrivateKey.generate())
    env["CIQ_SIGNING_KEY_FILE"] = str(directory / "signing-key.pem")


def start_processes(args, log_dir: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CONN_MAX_AGE": "600"}
    signing_key_given(env, log_dir)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "ciq_portal.wsgi", "-b", f"127.0.0.1:{args.port}",
         "-w", str(args.workers), "-k", args.worker_class, "--threads", str(args.threads),
         "--env", "DJANGO_SETTINGS_MODULE=benchmarks.submit_settings", "--keep-alive", "30",
         "--backlog", "256", "--log-level", "warning", "--chdir", str(ROOT)],
        env=env, stdout=(log_dir / "gunicorn.log").open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    worker = None
    if args.celery_worker:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ciq_portal", "worker", "-c", "1", "-l", "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, cwd=str(ROOT), stdout=(log_dir / "worker.log").open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
    import http.client

    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or gunicorn.poll() is not None:
            raise RuntimeError("gunicorn did not start:\n" + (log_dir / "gunicorn.log").read_text())
        time.sleep(0.3)
    return gunicorn, worker


def stop(process):
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3, help="alternations of bare and full rounds")
    parser.add_argument("--round-seconds", type=float, default=12.0)
    parser.add_argument("--round-jobs", type=int, default=1500)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_GUNICORN_WORKERS", "4")))
    parser.add_argument("--worker-class", default=os.environ.get("BENCH_GUNICORN_CLASS", "sync"))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_GUNICORN_THREADS", "1")))
    parser.add_argument("--volume", type=int, default=int(os.environ.get("BENCH_SUBMIT_VOLUME", "100000")),
                        help="historical declarations (5 lines each) in the database")
    parser.add_argument("--port", type=int, default=8817)
    parser.add_argument("--no-celery-worker", dest="celery_worker", action="store_false")
    parser.add_argument("--no-file-submit", dest="file_submit", action="store_false")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    enterprises, tokens = setup(args.volume)
    where = database_label()
    from django.db import connection

    from declarations.models import Declaration

    volume = (f"{Declaration.objects.count():,} declarations in the database, 5 goods lines per request, "
              f"{args.connections} connections, gunicorn {args.workers} {args.worker_class} workers"
              + (f" x {args.threads} threads" if args.threads > 1 else ""))
    warmup = 60
    drafts = file_drafts(enterprises, warmup + args.rounds * args.round_jobs)
    connection.close()

    run = uuid.uuid4().hex[:8]
    log_dir = Path(os.environ.get("BENCH_LOG_DIR", "/tmp")) / f"ciq-bench-submit-{run}"
    log_dir.mkdir(parents=True, exist_ok=True)
    token_of = lambda n: {"Authorization": f"Token {tokens[n % len(tokens)]}"}  # noqa: E731

    def bare(send, n):
        body = {**header_payload(n), "lines": line_payload(n)}
        status, data = send("POST", "/bench/bare-declaration/", body, token_of(n))
        return True if status == 201 else f"bare {status}: {data[:200]!r}"

    def full(send, n):
        # Draft n belongs to enterprise n % ENTERPRISES, whose declarant's token is token_of(n).
        status, data = send("POST", f"/api/v1/declarations/{drafts[n]}/submit/", None,
                            {**token_of(n), "Idempotency-Key": f"bench-{run}-submit-{n}"})
        return True if status == 200 else f"submit {status}: {data[:300]!r}"

    def file_and_submit(send, n):
        import json

        body = {**header_payload(n), "lines": line_payload(n)}
        body["bill_of_lading"] = f"BLF{run}{n:07d}"
        status, data = send("POST", "/api/v1/declarations/", body,
                            {**token_of(n), "Idempotency-Key": f"bench-{run}-file-{n}"})
        if status != 201:
            return f"file {status}: {data[:300]!r}"
        pk = json.loads(data)["id"]
        status, data = send("POST", f"/api/v1/declarations/{pk}/submit/", None,
                            {**token_of(n), "Idempotency-Key": f"bench-{run}-fsubmit-{n}"})
        return True if status == 200 else f"submit {status}: {data[:300]!r}"

    load_before = os.getloadavg()[0]
    gunicorn, worker = start_processes(args, log_dir)
    results = {"bare": [], "full": [], "file+submit": []}
    cpu = {"bare": dict.fromkeys(CPU_GROUPS, 0.0), "full": dict.fromkeys(CPU_GROUPS, 0.0)}

    def measured(name, **round_args):
        """One round, with the CPU each group of processes spent on it (the worker's queued tasks included)."""
        before = cpu_seconds_by_group()
        result = run_round(**round_args)
        time.sleep(3)  # the journal follow-ups start a second after the last commit
        after = cpu_seconds_by_group()
        for group in CPU_GROUPS:
            cpu[name][group] += after[group] - before[group]
        return result

    try:
        common = dict(host="127.0.0.1", port=args.port, connections=args.connections)
        run_round(job=bare, max_jobs=warmup, max_seconds=30, **common)
        run_round(job=full, max_jobs=warmup, max_seconds=30, start_index=0, **common)
        used = warmup
        for r in range(args.rounds):
            b = measured("bare", job=bare, max_jobs=args.round_jobs, max_seconds=args.round_seconds,
                         start_index=100000 * (r + 1), **common)
            f = measured("full", job=full, max_jobs=args.round_jobs, max_seconds=args.round_seconds,
                         start_index=used, **common)
            used += f.done + f.errors
            results["bare"].append(b)
            results["full"].append(f)
            print(f"  round {r + 1}: bare {b.rate:.1f}/s ({b.done} ok, {b.errors} errors), full submit {f.rate:.1f}/s "
                  f"({f.done} ok, {f.errors} errors)", file=sys.stderr, flush=True)
            for sample in (b.error_samples + f.error_samples)[:3]:
                print(f"    error: {sample}", file=sys.stderr)
        if args.file_submit:
            fs = run_round(job=file_and_submit, max_jobs=args.round_jobs, max_seconds=args.round_seconds,
                           start_index=0, **common)
            results["file+submit"].append(fs)
            for sample in fs.error_samples[:3]:
                print(f"    error: {sample}", file=sys.stderr)
    finally:
        stop(gunicorn)
        stop(worker)

    def pooled(name):
        rounds = results[name]
        latencies = [x for r in rounds for x in r.latencies]
        elapsed = sum(r.elapsed for r in rounds)
        errors = sum(r.errors for r in rounds)
        rate = len(latencies) / elapsed if elapsed else 0.0
        return rate, percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000, len(latencies), errors

    b_rate, b_p50, b_p99, b_n, b_err = pooled("bare")
    f_rate, f_p50, f_p99, f_n, f_err = pooled("full")
    ratio = f_rate / b_rate if b_rate else 0.0
    p99_ratio = f_p99 / b_p99 if b_p99 else float("inf")
    met = ratio >= GUARD_RATE and p99_ratio <= GUARD_P99 and f_err == 0 and b_err == 0
    host = f"{machine()}, load average {load_before:.1f} before the run"
    print(f"submit pipeline over HTTP (full submit vs bare write, alternating, {args.rounds} rounds each): "
          f"full {f_rate:.1f} req/s = {ratio:.2f} x bare {b_rate:.1f} req/s; p50 {f_p50:.0f} vs {b_p50:.0f} ms, "
          f"p99 {f_p99:.0f} vs {b_p99:.0f} ms ({p99_ratio:.2f} x); errors {f_err}+{b_err} "
          f"[{'KEPT' if met else 'BROKEN'}] | regression guard full >= {GUARD_RATE} x bare rate and p99 within "
          f"{GUARD_P99:.0f} x bare p99, 0 errors | "
          f"volume {volume}; {f_n:,} submits, {b_n:,} bare writes | database {where} | machine {host}", flush=True)
    for name, count in (("full", f_n), ("bare", b_n)):
        spent = ", ".join(f"{group} {cpu[name][group] / count * 1000:.1f} ms" for group in CPU_GROUPS) if count else ""
        print(f"CPU per {'submit' if name == 'full' else 'bare write'} by process (for information): {spent} "
              f"| volume {volume} | database {where} | machine {host}", flush=True)
    if f_n and b_n:
        per_submit = sum(cpu["full"].values()) / f_n * 1000
        per_bare = sum(cpu["bare"].values()) / b_n * 1000
        print(f"CPU per submit, all processes: {per_submit:.1f} ms = {per_submit / per_bare:.2f} x a bare write's "
              f"{per_bare:.1f} ms | volume {volume} | database {where} | machine {host}", flush=True)
    if results["file+submit"]:
        s_rate, s_p50, s_p99, s_n, s_err = pooled("file+submit")
        print(f"file + submit over HTTP (2 requests per declaration, for information): {s_rate:.1f} declarations/s "
              f"= {s_rate / b_rate if b_rate else 0:.2f} x bare; p50 {s_p50:.0f} ms, p99 {s_p99:.0f} ms; errors {s_err}"
              f" | target none (information) | volume {volume}; {s_n:,} declarations | database {where} "
              f"| machine {host}", flush=True)
    print(f"  logs: {log_dir}", file=sys.stderr)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
