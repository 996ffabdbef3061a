"""Screening import cells for a NIR or an IBAN (issue 16 §2b): the overhead on 50,000 and 1,000,000 rows.

The HR extract of bench_imports (17 text columns), read as an import reads it, then
`relais.imports.identifiers.screen` timed alone: on the clean file (the usual case: one regular-expression
scan, no checksum), and with an "Emploi" column holding a valid NIR on 1 % of the lines and a number that
merely looks like one (wrong key) on another 1 % (the checksums run on those 2 %). Compared with the read
itself. SQLite scratch database (the screen touches no database).
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_imports import hr_extract  # noqa: E402
from bench.common import SCRATCH, percentile, setup  # noqa: E402

NIR = "2 55 08 14 168 025 38"
LOOKALIKE = "2 55 08 14 168 025 39"


def _with_job_titles(frame):
    import polars as pl

    i = pl.int_range(0, pl.len())
    return frame.with_columns(
        pl.when(i.mod(100) == 0)
        .then(pl.lit(f"Égoutier {NIR}"))
        .when(i.mod(100) == 1)
        .then(pl.lit(f"Dossier {LOOKALIKE}"))
        .otherwise(pl.lit("Agent d'entretien"))
        .alias("job_title")
    )


def main() -> int:
    setup("identifiers")
    from relais.imports.enums import ImportKind
    from relais.imports.identifiers import screen
    from relais.imports.services import _read_file

    for rows, runs in ((50_000, 20), (1_000_000, 5)):
        path = hr_extract(rows, SCRATCH / f"hr_{rows}.csv")
        started = time.perf_counter()
        frame = _read_file(kind=ImportKind.AGENTS, data=path).frame
        read_s = time.perf_counter() - started
        for label, data in (("clean file", frame), ("1 % NIR + 1 % look-alikes", _with_job_titles(frame))):
            durations, found = [], 0
            for _ in range(runs):
                started = time.perf_counter()
                _, warnings = screen(data, skip=("matricule",))
                durations.append((time.perf_counter() - started) * 1000)
                found = len(warnings)
            print(
                f"{rows:>9,} rows, {label:<28} screen median {statistics.median(durations):8.1f} ms  "
                f"p95 {percentile(durations, 95):8.1f} ms  ({found:,} cells emptied; the read itself "
                f"{read_s:.2f} s, {len(data.columns) - 1} text columns)",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
