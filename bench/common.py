"""Shared helpers for benchmark scripts: a scratch database, timing, printing figures.

Each `bench/bench_*.py` is a script with a `main()`; `bench/run.py` (make bench) runs them all.
Scripts call `setup(name)` before importing Django models.
"""

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "bench"


def setup(name: str, *, fresh: bool = True) -> str:
    """Point Django at a scratch database for this benchmark and migrate it; returns the vendor.

    With DATABASE_URL set (PostgreSQL), that database is used as is (create it beforehand); otherwise
    a SQLite file var/bench/<name>.sqlite3, recreated when `fresh`.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    if "DATABASE_URL" not in os.environ:
        SCRATCH.mkdir(parents=True, exist_ok=True)
        path = SCRATCH / f"{name}.sqlite3"
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor


def timings(fn: Callable[[], object], *, runs: int = 50, warmup: int = 3) -> list[float]:
    """Wall-clock durations of `fn` in milliseconds, after a few warm-up calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def report(label: str, values_ms: list[float], *, target_p95_ms: float | None = None) -> None:
    """Print one line: median, p95, p99 and max, and whether the p95 target is met."""
    med, p95, p99 = statistics.median(values_ms), percentile(values_ms, 95), percentile(values_ms, 99)
    verdict = ""
    if target_p95_ms is not None:
        verdict = f"  target p95 ≤ {target_p95_ms:g} ms: {'OK' if p95 <= target_p95_ms else 'MISSED'}"
    print(
        f"{label:<55} n={len(values_ms):>4}  median {med:8.1f} ms  p95 {p95:8.1f} ms  "
        f"p99 {p99:8.1f} ms  max {max(values_ms):8.1f} ms{verdict}",
        flush=True,
    )


def report_duration(label: str, seconds: float, *, target_s: float | None = None, extra: str = "") -> None:
    verdict = f"  target ≤ {target_s:g} s: {'OK' if seconds <= target_s else 'MISSED'}" if target_s is not None else ""
    print(f"{label:<55} {seconds:8.2f} s{(' ' + extra) if extra else ''}{verdict}", flush=True)


def machine_reference() -> None:
    """Print how fast this machine is today, so that figures taken on different days can be compared.

    Two fixed workloads: a pure Python loop (10 million additions) and, in the database, a million-row
    INSERT … SELECT into a temporary table. The shared 2-core machines vary by a factor of 3 or more.
    """
    from django.db import connection

    started = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    python_s = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_reference")
        cursor.execute("CREATE TEMPORARY TABLE bench_reference (n integer, t text)")
        if connection.vendor == "postgresql":
            fill = "INSERT INTO bench_reference SELECT g, md5(g::text) FROM generate_series(1, 1000000) g"
        else:
            fill = (
                "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 1000000) "
                "INSERT INTO bench_reference SELECT n, hex(randomblob(16)) FROM g"
            )
        started = time.perf_counter()
        cursor.execute(fill)
        database_s = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_reference")
    print(
        f"{'machine reference: Python loop / database fill':<55} {python_s:8.2f} s / {database_s:.2f} s "
        f"(10 M additions / 1 M rows inserted; load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )
