"""The checks as an import runs them: which extra columns to read, the checks on the rows read, and what the import
keeps of them (a summary on the run, the findings staged as Parquet until the import is applied).

The extra columns (`columns.check_columns`) ride with the import's own read of the file — the file is read once —
and are dropped as soon as the checks have run: they are never staged, stored nor shown.
"""

import io

import polars as pl

from relais.findings.columns import PREFIX, check_columns
from relais.findings.engine import CheckResult, check

SHOWN = 200  # findings kept on the run for its page; all of them are staged


def run_checks(frame: pl.DataFrame, labels: dict[str, str], headers: list[str], *, taken=()) -> CheckResult:
    """The checks on a read frame: import fields by name, extra columns as `__chk_<field>`, named by the headers
    `check_columns(headers, taken=taken)` chose for them (the selection the read made)."""
    extra = {name: headers[index] for index, name in check_columns(headers, taken=taken).items()}
    return check(frame, {**extra, **labels})


def without_extra(frame: pl.DataFrame) -> pl.DataFrame:
    extra = [c for c in frame.columns if c.startswith(PREFIX)]
    return frame.drop(extra) if extra else frame


def summary(result: CheckResult) -> dict:
    f = result.findings
    return {
        "count": f.height,
        "rows": result.rows,
        "counts": result.counts(),
        "shown": f.head(SHOWN).select("line", "matricule", "column", "rule", "severity", "message").rows(),
        "duration": round(result.duration, 3),
    }


def to_parquet(findings: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    findings.write_parquet(buffer, compression="zstd")
    return buffer.getvalue()


def from_parquet(data) -> pl.DataFrame:
    return pl.read_parquet(io.BytesIO(bytes(data)))
