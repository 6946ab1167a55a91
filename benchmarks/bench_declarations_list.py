"""A declarant's list page with 100,000 declarations in the database: server time (target < 100 ms) and the number
of queries (constant whatever the page size).

    .venv/bin/python benchmarks/bench_declarations_list.py            # SQLite in a temporary file
    DATABASE_URL=postgres://root@127.0.0.1:5432/ciq_bench_decl .venv/bin/python benchmarks/bench_declarations_list.py

The enterprise under test owns 100,000 of the 120,000 declarations (one goods line each). Prints one line per figure.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import ensure_database  # noqa: E402

if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='ciq-bench-list-')}/db.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
OWN, OTHER = 100_000, 20_000


def main():
    if os.environ["DATABASE_URL"].startswith("postgres"):
        ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmarks.common import machine
    from ciq_portal.roles import Role
    from ciq_portal.services import roles_sync
    from declarations.models import Declaration, GoodsLine
    from tests.factories import EnterpriseFactory, UserFactory

    call_command("migrate", verbosity=0)
    roles_sync()
    user = UserFactory.__class__  # noqa: F841
    from ciq_portal.models import User

    declarant = User.objects.filter(username="bench_declarant").first()
    if declarant is None:
        mine, other = EnterpriseFactory(name_en="Bench A"), EnterpriseFactory(name_en="Bench B")
        declarant = UserFactory(username="bench_declarant", role=Role.DECLARANT, enterprise=mine)
        statuses = ["draft", "submitted", "released", "awaiting_inspection"]
        with transaction.atomic():
            for owner, count, prefix in ((mine, OWN, "BA"), (other, OTHER, "BB")):
                for start in range(0, count, 5000):
                    batch = [Declaration(number=f"{prefix}{i:09d}", enterprise=owner, port_of_entry="NGB",
                                         departure_country="AU", bill_of_lading=f"BL{i:08d}",
                                         status=statuses[i % 4]) for i in range(start, min(count, start + 5000))]
                    Declaration.objects.bulk_create(batch)
                    ids = Declaration.objects.filter(number__in=[d.number for d in batch]).values_list("id", flat=True)
                    GoodsLine.objects.bulk_create([GoodsLine(declaration_id=pk, line_no=1, hs_code="0306170000",
                                                             description="Shrimps", origin_country="AU", quantity=1,
                                                             unit="kg", value=10) for pk in ids])
    client = Client()
    client.force_login(declarant)
    client.get("/declarations/")
    for label, params in (("first page", {}), ("filtered by status", {"status": "submitted"}),
                          ("filtered by HS code", {"hs_code": "0306"}), ("page 2000", {"page": 2000})):
        timings = []
        for _ in range(15):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get("/declarations/", params)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        print(f"declarant list page ({label}): median {statistics.median(timings):.1f} ms, queries {len(ctx)}, "
              f"target < 100 ms, volume {OWN} own of {OWN + OTHER} declarations, database {connection.vendor}, "
              f"machine {machine()}")


if __name__ == "__main__":
    main()
