"""Vectorised value parsers (Polars expressions) and their scalar twins, used by every import.

Dates: `JJ/MM/AAAA` (French) and ISO `AAAA-MM-JJ`, optionally followed by a time. Directory
timestamps: Windows FILETIME (100-ns ticks since 1601-01-01 UTC; 0 and 2**63-1 mean "never") and
LDAP GeneralizedTime (`20240105103000.0Z`).
"""

import datetime

import polars as pl

FILETIME_NEVER = frozenset({0, 9223372036854775807})
FILETIME_EPOCH_OFFSET = 116444736000000000  # ticks between 1601-01-01 and 1970-01-01
DATE_MIN, DATE_MAX = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)

_FR = r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
_ISO = r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
_SLASH_ISO = r"^(\d{4})/(\d{2})/(\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"


def fold_expr(expr: pl.Expr) -> pl.Expr:
    """`relais.core.text.fold` as a Polars expression (same result, for a million names at once)."""
    return (
        expr.fill_null("")
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7F]", "")
        .str.to_lowercase()
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars(" ")
    )


def date_expr(expr: pl.Expr) -> pl.Expr:
    """Text → Date, null when empty or unreadable (callers tell the two apart with the text)."""
    text = expr.fill_null("").str.strip_chars()
    parts = []
    for pattern, (d, m, y) in ((_FR, (1, 2, 3)), (_ISO, (3, 2, 1)), (_SLASH_ISO, (3, 2, 1))):
        day = text.str.extract(pattern, d).cast(pl.Int32, strict=False)
        month = text.str.extract(pattern, m).cast(pl.Int32, strict=False)
        year = text.str.extract(pattern, y).cast(pl.Int32, strict=False)
        parts.append(
            pl.when(day.is_not_null())
            .then(pl.format("{}-{}-{}", year, month.cast(pl.String).str.zfill(2), day.cast(pl.String).str.zfill(2)))
            .otherwise(None)
        )
    iso = pl.coalesce(parts)
    parsed = iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    return pl.when(parsed.is_between(pl.lit(DATE_MIN), pl.lit(DATE_MAX))).then(parsed).otherwise(None)


def parse_date(value: str) -> datetime.date | None:
    """Scalar twin of `date_expr` (used by the directory sync and the property tests)."""
    return pl.select(date_expr(pl.lit(value, dtype=pl.String))).item()


def filetime_to_date(ticks: int | None) -> datetime.date | None:
    """Windows FILETIME → UTC date; `None` for "never" (0 or the maximum value) or out of range."""
    if ticks is None or ticks in FILETIME_NEVER or ticks < 0:
        return None
    try:
        moment = datetime.datetime(1601, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None
    day = moment.date()
    return day if DATE_MIN <= day <= DATE_MAX else None


def filetime_expr(expr: pl.Expr) -> pl.Expr:
    """FILETIME text → Date (null for never, empty or unreadable)."""
    ticks = expr.fill_null("").str.strip_chars().cast(pl.Int64, strict=False)
    seconds = (ticks - FILETIME_EPOCH_OFFSET) // 10_000_000
    day = pl.from_epoch(seconds, time_unit="s").dt.date()
    valid = ticks.is_not_null() & ~ticks.is_in(list(FILETIME_NEVER)) & (ticks > 0)
    return pl.when(valid & day.is_between(pl.lit(DATE_MIN), pl.lit(DATE_MAX))).then(day).otherwise(None)


_GENERALIZED = r"^(\d{4})(\d{2})(\d{2})\d{0,6}(?:[.,]\d+)?(?:Z|[+-]\d{2,4})?$"


def generalized_time_expr(expr: pl.Expr) -> pl.Expr:
    """LDAP GeneralizedTime text (`YYYYMMDDHHMMSS[.f]Z`) → Date."""
    text = expr.fill_null("").str.strip_chars()
    iso = pl.format(
        "{}-{}-{}",
        text.str.extract(_GENERALIZED, 1),
        text.str.extract(_GENERALIZED, 2),
        text.str.extract(_GENERALIZED, 3),
    )
    parsed = iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    return pl.when(parsed.is_between(pl.lit(DATE_MIN), pl.lit(DATE_MAX))).then(parsed).otherwise(None)


def directory_date_expr(expr: pl.Expr) -> pl.Expr:
    """Any directory timestamp: FILETIME, GeneralizedTime or a plain date (PowerShell exports)."""
    text = expr.fill_null("").str.strip_chars()
    return (
        pl.when(text.str.contains(r"^\d{1,19}$") & (text.str.len_chars() != 14))
        .then(filetime_expr(text))
        .when(text.str.contains(r"^\d{14}"))
        .then(generalized_time_expr(text))
        .otherwise(date_expr(text))
    )


def generalized_time(value: str) -> datetime.date | None:
    return pl.select(generalized_time_expr(pl.lit(value, dtype=pl.String))).item()


TRUE_WORDS = frozenset({"oui", "o", "vrai", "true", "yes", "y", "1", "x"})
FALSE_WORDS = frozenset({"non", "n", "faux", "false", "no", "0"})


def bool_expr(expr: pl.Expr) -> pl.Expr:
    """oui/non, vrai/faux, true/false, 1/0 → Boolean; null when empty or anything else."""
    folded = fold_expr(expr)
    return pl.when(folded.is_in(list(TRUE_WORDS))).then(True).when(folded.is_in(list(FALSE_WORDS))).then(False)
