"""Run every benchmarks/bench_*.py and print ONE table: figure, target, volume, database (and the machine).

    make bench                      # or: .venv/bin/python benchmarks/run_all.py [--only submit,credit] [--timeout 1800]

Each benchmark prints one line per figure, "<figure>: <value> | target ... | volume ... | database ... | machine ..."
(fields separated by " | " or "; "); run_all collects those lines, whatever else the benchmark prints (progress on
stderr is shown as it comes), and tabulates them. A benchmark that fails or times out is a row of its own.
Exit status: non-zero when a benchmark failed or a figure says NOT MET.
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
from benchmarks.common import cpu_model  # noqa: E402


def machine() -> str:
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    except OSError:
        nproc = str(os.cpu_count())
    memory = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, AttributeError):
        pass
    cpu = cpu_model()
    return f"nproc {nproc}, {cpu}{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


FIELD_SPLIT = re.compile(r"\s\|\s|[;,]\s(?=(?:target|volume|database|machine|PostgreSQL|SQLite)\b)", re.I)


def parse(line: str) -> dict | None:
    """A figure line -> {figure, target, volume, database}; None for anything else."""
    if not re.search(r"\btarget\b", line, re.I) and not re.search(r"\|\s*volume\b", line, re.I):
        return None
    row = {"figure": "", "target": "", "volume": "", "database": ""}
    rest = []
    for part in FIELD_SPLIT.split(line.strip()):
        part = part.strip()
        low = part.lower()
        if low.startswith("target"):
            row["target"] = part[len("target"):].strip(" :=")
        elif low.startswith("volume"):
            row["volume"] = part[len("volume"):].strip(" :=")
        elif low.startswith("database"):
            row["database"] = part[len("database"):].strip(" :=")
        elif low.startswith(("postgresql", "sqlite")):
            row["database"] = part
        elif low.startswith("machine") or re.match(r"\d+ cores\b", low):
            continue
        else:
            rest.append(part)
    row["figure"] = "; ".join(rest)
    return row


def run(path: Path, timeout: int) -> tuple[list[dict], str]:
    started = time.monotonic()
    print(f"== {path.name}", file=sys.stderr, flush=True)
    process = subprocess.Popen([sys.executable, str(path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    rows, lines = [], []
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
        lines = out.splitlines()
        rows = [r for r in map(parse, lines) if r]
        return rows + [{"figure": f"{path.stem}: TIMED OUT after {timeout} s", "target": "", "volume": "",
                        "database": ""}], "timeout"
    lines = out.splitlines()
    for line in (err or "").splitlines() + lines:
        print(f"   {line}", file=sys.stderr, flush=True)
    rows = [r for r in map(parse, lines) if r]
    status = "ok" if process.returncode == 0 else f"exit {process.returncode}"
    if process.returncode != 0 and not rows:
        errors = [line for line in (err or "").splitlines() if line.strip()]
        tail = (errors[-1] if errors else " / ".join(lines[-2:]) if lines else "no output")[:200]
        rows.append({"figure": f"{path.stem}: FAILED ({status}): {tail}", "target": "", "volume": "", "database": ""})
    print(f"   ({path.name}: {status}, {time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
    for row in rows:
        row["bench"] = path.stem.removeprefix("bench_")
    return rows, status


def table(rows: list[dict]) -> str:
    columns = [("bench", 10), ("figure", 58), ("target", 28), ("volume", 34), ("database", 22)]
    out = []
    header = " | ".join(name.ljust(width) for name, width in columns)
    out += [header, "-+-".join("-" * width for _, width in columns)]
    for row in rows:
        wrapped = [textwrap.wrap(row.get(name, "") or "-", width) or ["-"] for name, width in columns]
        for i in range(max(len(w) for w in wrapped)):
            out.append(" | ".join((w[i] if i < len(w) else "").ljust(width)
                                  for w, (_, width) in zip(wrapped, columns, strict=True)))
        out.append("-+-".join("-" * width for _, width in columns))
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="", help="comma-separated topics, e.g. submit,credit")
    parser.add_argument("--timeout", type=int, default=int(os.environ.get("BENCH_TIMEOUT", "2400")),
                        help="seconds per benchmark")
    args = parser.parse_args()
    wanted = {t.strip() for t in args.only.split(",") if t.strip()}
    benches = sorted(p for p in HERE.glob("bench_*.py") if not wanted or p.stem.removeprefix("bench_") in wanted)
    started = time.monotonic()
    rows, failed = [], []
    for path in benches:
        bench_rows, status = run(path, args.timeout)
        rows += bench_rows
        if status != "ok":
            failed.append(f"{path.name} ({status})")
    print()
    print(f"CIQ Portal benchmarks — machine: {machine()}")
    print(f"run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {len(benches)} benchmark(s), "
          f"{time.monotonic() - started:.0f} s")
    print(table(rows))
    not_met = [r for r in rows if "NOT MET" in r["figure"]]
    if failed:
        print("failed: " + ", ".join(failed))
    if not_met:
        print(f"{len(not_met)} figure(s) NOT MET")
    return 1 if failed or not_met else 0


if __name__ == "__main__":
    sys.exit(main())
