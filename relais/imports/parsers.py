"""Vectorised value parsers (Polars expressions) and their scalar twins, used by every import.

Dates as people and systems write them: `JJ/MM/AAAA`, `J/M/AA`, `JJ-MM-AAAA`, `JJ.MM.AAAA`, ISO
`AAAA-MM-JJ` (also `AAAA/MM/JJ`), each optionally followed by a time (`9:30`, `09:30:00`, `9:30:00 AM`,
`T09:30:00Z`); French month names and abbreviations ("1 sept. 2020", "1er septembre 2020",
"01-janv.-20"); Excel serial day numbers (44197 = 2021-01-01). Whether `03/04/2024` is the 3rd of April
or the 4th of March is decided once for a whole column (`date_column`), never line by line.
Directory timestamps: Windows FILETIME (100-ns ticks since 1601-01-01 UTC; 0 and 2**63-1 mean "never")
and LDAP GeneralizedTime (`20240105103000.0Z`).
"""

import datetime
from typing import NamedTuple

import polars as pl

FILETIME_NEVER = frozenset({0, 9223372036854775807})
FILETIME_EPOCH_OFFSET = 116444736000000000  # ticks between 1601-01-01 and 1970-01-01
DATE_MIN, DATE_MAX = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)

DAY_FIRST, MONTH_FIRST = "dmy", "mdy"
ORDER_LABELS = {DAY_FIRST: "jour/mois (JJ/MM/AAAA)", MONTH_FIRST: "mois/jour (MM/JJ/AAAA, à l'américaine)"}
DATE_FORMS = "JJ/MM/AAAA, AAAA-MM-JJ ou « 1 sept. 2020 »"
# Two-digit years fall within the 80 years before and the 20 after the current year (05 → 2005, 75 → 1975).
TWO_DIGIT_YEARS_AHEAD = 20
# Excel counts days from 1899-12-30 (its fictitious 1900-02-29 lies below the range accepted here).
# Only 1920-01-01 (7306) to 2100-12-31 (73415): a small number in a date column is not a date.
EXCEL_EPOCH = datetime.date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 7306, 73415

_TIME = (
    r"(?:(?:[ t]+|[ ]*,[ ]*|[ ]+a[ ]+)(?<h>\d{1,2})[:h](?<mi>\d{2})(?::(?<s>\d{2})(?:[.,]\d+)?)?"
    r"[ ]*(?<ap>am|pm|a\.m\.|p\.m\.)?)?(?:[ ]*(?:z|utc|gmt|[+-]\d{2}:?\d{2}))?"
)
_NUMERIC = rf"^(?<a>\d{{1,4}})[/.-](?<b>\d{{1,2}})[/.-](?<c>\d{{1,4}}){_TIME}$"
_WEEKDAY = (
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?,?[ ]+)?"
)
_WORDS = (
    rf"^{_WEEKDAY}(?<a>\d{{1,2}})(?:er|e|st|nd|rd|th)?[ ./-]*(?<b>[a-z]{{3,9}})\.?[ ./-]*(?<c>\d{{4}}|\d{{2}}){_TIME}$"
)
_SERIAL = r"^(\d{4,5})(?:[.,]\d+)?$"
MONTHS = {
    **dict.fromkeys(("janvier", "janv", "jan", "january"), 1),
    **dict.fromkeys(("fevrier", "fevr", "fev", "feb", "february"), 2),
    **dict.fromkeys(("mars", "mar", "march"), 3),
    **dict.fromkeys(("avril", "avr", "apr", "april"), 4),
    **dict.fromkeys(("mai", "may"), 5),
    **dict.fromkeys(("juin", "jun", "june"), 6),
    **dict.fromkeys(("juillet", "juil", "jul", "july"), 7),
    **dict.fromkeys(("aout", "aou", "aug", "august"), 8),
    **dict.fromkeys(("septembre", "sept", "sep", "september"), 9),
    **dict.fromkeys(("octobre", "oct", "october"), 10),
    **dict.fromkeys(("novembre", "nov", "november"), 11),
    **dict.fromkeys(("decembre", "dec", "december"), 12),
}


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


def _date_text(expr: pl.Expr) -> pl.Expr:
    """Lower case, accents dropped (« févr. » is « fevr. »), spaces of any kind single."""
    return (
        expr.fill_null("")
        .str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def _int(expr: pl.Expr) -> pl.Expr:
    return expr.cast(pl.Int32, strict=False)


def _full_year(digits: pl.Expr, today: datetime.date) -> pl.Expr:
    year = _int(digits)
    two = 2000 + year
    expanded = pl.when(two > today.year + TWO_DIGIT_YEARS_AHEAD).then(two - 100).otherwise(two)
    return pl.when(digits.str.len_chars() == 2).then(expanded).when(digits.str.len_chars() == 4).then(year)


def _time_ok(parts: pl.Expr) -> pl.Expr:
    hour, minute, second = (_int(parts.struct.field(f)) for f in ("h", "mi", "s"))
    twelve = parts.struct.field("ap").is_not_null()
    return (
        hour.is_null()
        | (
            pl.when(twelve).then(hour.is_between(1, 12)).otherwise(hour <= 23)
            & (minute <= 59)
            & (second.is_null() | (second <= 59))
        )
    ).fill_null(False)


def _ymd(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    iso = pl.format("{}-{}-{}", year, month.cast(pl.String).str.zfill(2), day.cast(pl.String).str.zfill(2))
    return iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False)


def _numeric(text: pl.Expr) -> pl.Expr:
    return text.str.extract_groups(_NUMERIC)


def _ambiguous(parts: pl.Expr) -> pl.Expr:
    """Numeric dates whose day and month order is not given by their form (not year first)."""
    a, c = parts.struct.field("a"), parts.struct.field("c")
    return (a.str.len_chars() <= 2) & c.str.len_chars().is_in([2, 4])


def _date(text: pl.Expr, order: str, today: datetime.date) -> pl.Expr:
    """Normalised date text → Date for one day/month order; null when empty or unreadable."""
    num = _numeric(text)
    a, b, c = (num.struct.field(f) for f in ("a", "b", "c"))
    year_first = (a.str.len_chars() == 4) & (c.str.len_chars() <= 2)
    first, second = (a, b) if order == DAY_FIRST else (b, a)
    numeric = (
        pl.when(year_first & _time_ok(num))
        .then(_ymd(_int(a), _int(b), _int(c)))
        .when(_ambiguous(num) & _time_ok(num))
        .then(_ymd(_full_year(c, today), _int(second), _int(first)))
    )
    words = text.str.extract_groups(_WORDS)
    month = words.struct.field("b").replace_strict(MONTHS, default=None, return_dtype=pl.Int32)
    worded = pl.when(month.is_not_null() & _time_ok(words)).then(
        _ymd(_full_year(words.struct.field("c"), today), month, _int(words.struct.field("a")))
    )
    serial = _int(text.str.extract(_SERIAL, 1))
    excel = pl.when(serial.is_between(SERIAL_MIN, SERIAL_MAX)).then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial))
    parsed = pl.coalesce(numeric, worded, excel.cast(pl.Date))
    return pl.when(parsed.is_between(pl.lit(DATE_MIN), pl.lit(DATE_MAX))).then(parsed)


def date_expr(expr: pl.Expr, order: str = DAY_FIRST) -> pl.Expr:
    """Text → Date, null when empty or unreadable (callers tell the two apart with the text).

    Line by line: an ambiguous `03/04/2024` is read in `order` (French day first by default). Columns
    go through `date_column`, which chooses the order from all their values.
    """
    return _date(_date_text(expr), order, datetime.date.today())


def parse_date(value: str, order: str = DAY_FIRST) -> datetime.date | None:
    """Scalar twin of `date_expr` (used by the directory sync, the commands and the property tests)."""
    return pl.select(date_expr(pl.lit(value, dtype=pl.String), order)).item()


class DateColumn(NamedTuple):
    dates: pl.Series  # Date, null where the text is empty or unreadable
    order: str  # DAY_FIRST or MONTH_FIRST: how the column's ambiguous dates were read
    contradicts: pl.Series  # Boolean: readable only in the other order (the column's minority)


def date_order(values: pl.Series) -> str:
    """The day/month order of a column of date texts, from all its values.

    A value whose first part exceeds 12 (`16/01/2025`) shows the day comes first; one whose second
    part does (`1/16/2025`, en-US exports) that the month does. When both kinds occur, the majority
    (in lines) wins and the others are left unreadable. With no such value, times written with AM/PM
    tell an en-US export; otherwise French day first.
    """
    counts = pl.DataFrame({"t": values}).select(_date_text(pl.col("t")).alias("t")).group_by("t").len()
    return _order_of(counts)


def _order_of(counts: pl.DataFrame) -> str:
    num = _numeric(pl.col("t"))
    first, second = _int(num.struct.field("a")), _int(num.struct.field("b"))
    ambiguous = _ambiguous(num).fill_null(False)
    evidence = counts.select(
        (pl.col("len") * (ambiguous & (first > 12) & (second <= 12))).sum().alias("day"),
        (pl.col("len") * (ambiguous & (second > 12) & (first <= 12))).sum().alias("month"),
        (ambiguous & num.struct.field("ap").is_not_null()).any().alias("ampm"),
    ).row(0, named=True)
    day, month = evidence["day"] or 0, evidence["month"] or 0
    if month > day or (day == month == 0 and evidence["ampm"]):
        return MONTH_FIRST
    return DAY_FIRST


def date_column(values: pl.Series, *, order: str | None = None, directory: bool = False) -> DateColumn:
    """A column of date texts → dates, reading every ambiguous value in one order for the whole column.

    `order` forces it (an import profile's remembered format); otherwise `date_order` decides.
    `directory`: FILETIME and GeneralizedTime values are read too (Active Directory, LDAP, Zimbra).
    Work is done once per distinct value (a million rows hold a few thousand dates).
    """
    today = datetime.date.today()
    raw = values.cast(pl.String).fill_null("")
    counts = pl.DataFrame({"raw": raw}).group_by("raw").len()
    counts = counts.with_columns(_date_text(pl.col("raw")).alias("t"))
    if order is None:
        order = _order_of(counts.group_by("t").agg(pl.col("len").sum()))
    other = MONTH_FIRST if order == DAY_FIRST else DAY_FIRST
    text = pl.col("t")
    read = _date(text, order, today)
    if directory:
        read = _directory_or(pl.col("raw").str.strip_chars(), read)
    wrong_order = read.is_null() & _ambiguous(_numeric(text)).fill_null(False) & _date(text, other, today).is_not_null()
    table = counts.select("raw", read.alias("date"), wrong_order.alias("contradicts"))
    dates = raw.replace_strict(table["raw"], table["date"], return_dtype=pl.Date)
    contradicts = raw.replace_strict(table["raw"], table["contradicts"], return_dtype=pl.Boolean)
    return DateColumn(dates.alias(values.name), order, contradicts.alias(values.name))


def unreadable_date_message(order: str = DAY_FIRST) -> str:
    """The reason given for a date that cannot be read, in a column read in `order`."""
    if order == MONTH_FIRST:
        return "Date illisible : MM/JJ/AAAA (comme le reste de la colonne), AAAA-MM-JJ ou « 1 sept. 2020 » attendu."
    return f"Date illisible : {DATE_FORMS} attendu."


def contradicting_date_message(order: str) -> str:
    """The reason given for a date whose day/month order contradicts the rest of its column."""
    return (
        f"Date ambiguë : le reste de la colonne est écrit {ORDER_LABELS[order]}, cette date ne l'est pas. "
        "Vérifiez-la dans le fichier."
    )


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


def _directory_or(text: pl.Expr, otherwise: pl.Expr) -> pl.Expr:
    return (
        pl.when(text.str.contains(r"^\d{1,19}$") & (text.str.len_chars() != 14))
        .then(filetime_expr(text))
        .when(text.str.contains(r"^\d{14}"))
        .then(generalized_time_expr(text))
        .otherwise(otherwise)
    )


def directory_date_expr(expr: pl.Expr, order: str = DAY_FIRST) -> pl.Expr:
    """Any directory timestamp: FILETIME, GeneralizedTime or a plain date (PowerShell exports)."""
    return _directory_or(expr.fill_null("").str.strip_chars(), date_expr(expr, order))


def generalized_time(value: str) -> datetime.date | None:
    return pl.select(generalized_time_expr(pl.lit(value, dtype=pl.String))).item()


TRUE_WORDS = frozenset({"oui", "o", "vrai", "true", "yes", "y", "1", "x"})
FALSE_WORDS = frozenset({"non", "n", "faux", "false", "no", "0"})


def bool_expr(expr: pl.Expr) -> pl.Expr:
    """oui/non, vrai/faux, true/false, 1/0 → Boolean; null when empty or anything else."""
    folded = fold_expr(expr)
    return pl.when(folded.is_in(list(TRUE_WORDS))).then(True).when(folded.is_in(list(FALSE_WORDS))).then(False)
