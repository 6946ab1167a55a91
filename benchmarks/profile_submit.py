"""Where a submit's CPU goes (diagnosis, no target): one process, Django's test client, the submit benchmark's
database and drafts (benchmarks/bench_submit.py), no HTTP server. Prints the Python CPU of one request and its
statements for three variants, measured alternately:

- ``full``: POST /api/v1/declarations/{id}/submit/, as the product does it;
- ``lean``: the same with the duplicate warning, the tightened-supervision check and every outbox event and
  notification switched off (an experiment, not the product: what the submit would cost without them);
- ``bare``: the benchmark's bare endpoint, which only writes a declaration with its 5 lines.

PostgreSQL's own CPU is not in these figures (bench_submit.py counts it).

    .venv/bin/python benchmarks/profile_submit.py [--requests 300] [--rounds 2]
"""

import argparse
import json
import os
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks import bench_submit  # noqa: E402  (sets the database, Redis and settings it shares)
from benchmarks.common import ensure_database, machine  # noqa: E402

LEAN_SWITCHES = (  # what "lean" switches off, each replaced by a no-op of the same call
    ("declarations.services.lifecycle.declaration_duplicates", lambda **kwargs: []),
    ("release.services.decision._active_tightening", lambda *args: None),
    ("ciq_portal.notifications.notification_publish", lambda **kwargs: None),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="requests per variant and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--volume", type=int, default=int(os.environ.get("BENCH_SUBMIT_VOLUME", "100000")))
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    bench_submit.signing_key_given(os.environ, Path(tempfile.mkdtemp(prefix="ciq-profile-submit-")))
    enterprises, tokens = bench_submit.setup(args.volume)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from declarations.models import Declaration

    warmup = 50
    drafts = bench_submit.file_drafts(enterprises, 2 * (warmup + 1 + args.rounds * args.requests))
    token_of_enterprise = {e.pk: token for e, token in zip(enterprises, tokens, strict=True)}
    enterprise_of = dict(Declaration.objects.filter(pk__in=drafts).values_list("pk", "enterprise_id"))
    client = Client(HTTP_HOST="127.0.0.1")
    run = uuid.uuid4().hex[:8]
    unused = iter(drafts)

    def submit(n):
        pk = next(unused)
        response = client.post(f"/api/v1/declarations/{pk}/submit/", content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {token_of_enterprise[enterprise_of[pk]]}",
                               HTTP_IDEMPOTENCY_KEY=f"profile-{run}-{pk}")
        assert response.status_code == 200, response.content[:300]

    def bare(n):
        body = {**bench_submit.header_payload(n), "lines": bench_submit.line_payload(n)}
        response = client.post("/bench/bare-declaration/", data=json.dumps(body), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Token {tokens[n % len(tokens)]}")
        assert response.status_code == 201, response.content[:300]

    def lean_switches():
        stack = ExitStack()
        for target, replacement in LEAN_SWITCHES:
            stack.enter_context(mock.patch(target, replacement))
        return stack

    variants = {"full": (submit, ExitStack), "lean": (submit, lean_switches), "bare": (bare, ExitStack)}
    cpu = {name: [] for name in variants}
    statements = {}
    for name, (request, switches) in variants.items():
        with switches():
            for n in range(warmup):
                request(n)
            with CaptureQueriesContext(connection) as captured:
                request(warmup)
            statements[name] = len(captured.captured_queries)
    for r in range(args.rounds):
        for name, (request, switches) in variants.items():
            with switches():
                started = time.process_time()
                for n in range(args.requests):
                    request(100000 * (r + 1) + n)
                cpu[name].append((time.process_time() - started) / args.requests * 1000)
    where = bench_submit.database_label()
    volume = f"{Declaration.objects.count():,} declarations in the database, 5 goods lines per request"
    for name in variants:
        spread = ", ".join(f"{ms:.1f}" for ms in cpu[name])
        print(f"{name}: {min(cpu[name]):.1f} ms of Python CPU per request (rounds: {spread} ms), "
              f"{statements[name]} statements | {args.rounds} x {args.requests} requests | volume {volume} "
              f"| database {where} | machine {machine()}", flush=True)
    print(f"full / bare {min(cpu['full']) / min(cpu['bare']):.2f}, lean / bare "
          f"{min(cpu['lean']) / min(cpu['bare']):.2f} (the submit figure needs <= 2, PostgreSQL's CPU included)",
          flush=True)


if __name__ == "__main__":
    main()
