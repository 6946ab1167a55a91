"""What every benchmark needs: the machine's description beside each figure, and its own PostgreSQL database."""

import os
import platform
from pathlib import Path


def ensure_database(url: str) -> None:
    """Create the benchmark's database on the PostgreSQL server of ``url`` if it does not exist yet."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown cpu"


def machine() -> str:
    return f"{os.cpu_count()} cores {cpu_model()}, {platform.system()} {platform.release()}"
