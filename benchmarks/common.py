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


CPU_GROUPS = ("gunicorn", "celery", "postgres", "redis")


def cpu_seconds_by_group() -> dict[str, float]:
    """CPU seconds the machine's gunicorn, celery, postgres and redis processes have used so far (Linux /proc; a
    process that has ended is no longer counted, so take both readings while the servers run)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(CPU_GROUPS, 0.0)
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        group = next((g for g in CPU_GROUPS if g in command), None)
        if group is not None:  # utime, stime of the process and of its waited-for children
            used[group] += sum(int(f) for f in fields[11:15]) / ticks
    return used


def backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (local server only; None otherwise)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
