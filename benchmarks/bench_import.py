"""KCS historical import: 37,385 rows into a fresh SQLite database (target < 60 s).

    .venv/bin/python benchmarks/bench_import.py            # SQLite in a temporary file
    DATABASE_URL=postgres://root@127.0.0.1:5432/ciq_bench_decl .venv/bin/python benchmarks/bench_import.py

Prints one line per figure: figure, target, volume, database, machine.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from benchmarks.common import machine  # noqa: E402

if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='ciq-bench-import-')}/db.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from declarations.bulk import import_kcs
    from declarations.models import Declaration

    if connection.vendor == "postgresql":
        from benchmarks.bench_declarations_list import ensure_database
        ensure_database(os.environ["DATABASE_URL"])
    call_command("migrate", verbosity=0)
    Declaration.objects.filter(source="historical").delete()
    path = settings.KCS_DATA_DIR / "df_syn_train_eng.csv"
    started = time.perf_counter()
    result = import_kcs(path=path)
    elapsed = time.perf_counter() - started
    print(f"KCS import: {elapsed:.1f} s, target < 60 s, volume {result.rows} rows ({result.created} created, "
          f"{result.non_conform} non-conform, {result.enterprises_created} enterprises), database "
          f"{connection.vendor}, machine {machine()}")


if __name__ == "__main__":
    main()
