"""Property-based tests of the parsers (hypothesis)."""

import csv
import datetime
import io

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from relais.core.text import fold
from relais.imports.columns import AGENT_FIELDS, is_forbidden, match_headers
from relais.imports.parsers import (
    FILETIME_EPOCH_OFFSET,
    directory_date_expr,
    filetime_expr,
    filetime_to_date,
    fold_expr,
    generalized_time,
    parse_date,
)
from relais.imports.reading import LINE, read_table

dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31))
# Any text a spreadsheet cell may hold: no surrogates, no control characters but tab and line breaks.
text = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from("\t\r\n")), max_size=40
)


@given(st.text(max_size=60))
def test_vectorised_fold_equals_python_fold(value):
    assert pl.select(fold_expr(pl.lit(value, dtype=pl.String))).item() == fold(value)


@settings(deadline=None)  # one Polars query per value: slow on a loaded machine, not wrong
@given(dates)
def test_french_and_iso_dates_round_trip(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.isoformat()} 08:30:00") == day


@settings(deadline=None)  # one Polars query per value: slow on a loaded machine, not wrong
@given(text)
def test_date_parser_never_crashes_and_answers_a_date_or_nothing(value):
    result = parse_date(value)
    assert result is None or datetime.date(1900, 1, 1) <= result <= datetime.date(2100, 12, 31)


@given(st.datetimes(min_value=datetime.datetime(1970, 1, 2), max_value=datetime.datetime(2100, 1, 1)))
def test_filetime_round_trip(moment):
    ticks = int((moment - datetime.datetime(1970, 1, 1)).total_seconds()) * 10_000_000 + FILETIME_EPOCH_OFFSET
    assert filetime_to_date(ticks) == moment.date()
    assert pl.select(filetime_expr(pl.lit(str(ticks)))).item() == moment.date()
    assert pl.select(directory_date_expr(pl.lit(str(ticks)))).item() == moment.date()


def test_filetime_never_values():
    for never in ("0", "9223372036854775807", ""):
        assert pl.select(directory_date_expr(pl.lit(never))).item() is None
    assert filetime_to_date(0) is None and filetime_to_date(9223372036854775807) is None


@given(st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2100, 1, 1)))
def test_generalized_time(moment):
    assert generalized_time(moment.strftime("%Y%m%d%H%M%S.0Z")) == moment.date()
    assert generalized_time(moment.strftime("%Y%m%d%H%M%SZ")) == moment.date()


def _disguise(alias: str, draw) -> str:
    accents = {"e": "éèêe", "a": "àa", "c": "çc", "i": "îi", "o": "ôo", "u": "ùu"}
    out = []
    for ch in alias:
        ch = draw(st.sampled_from(accents.get(ch, ch)))
        out.append(ch.upper() if draw(st.booleans()) else ch)
        if ch == " ":
            out[-1] = draw(st.sampled_from([" ", "  ", "_", "-", "'", " - "]))
    return draw(st.sampled_from(["", " ", "  "])) + "".join(out) + draw(st.sampled_from(["", " ", "\t"]))


@given(st.data())
def test_header_folding_finds_every_alias_however_written(data):
    spec = data.draw(st.sampled_from(AGENT_FIELDS))
    alias = data.draw(st.sampled_from(spec.aliases))
    header = _disguise(alias, data.draw)
    mapping = match_headers(["Colonne inconnue", header], AGENT_FIELDS)
    assert mapping.keep == {1: spec.name}, header


@given(st.sampled_from(["NIR", "N° Sécurité sociale", "IBAN", "Clé RIB", "Domiciliation bancaire", "Code BIC"]))
def test_forbidden_headers(header):
    assert is_forbidden(header) and is_forbidden(header.upper())
    assert not match_headers([header], AGENT_FIELDS).keep


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(text, min_size=3, max_size=3), min_size=1, max_size=8),
    st.sampled_from([";", ",", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_csv_round_trip_of_arbitrary_text(rows, sep, encoding):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(["alpha", "beta", "gamma"])
    writer.writerows(rows)
    table = read_table(out.getvalue().encode(encoding), lambda headers: {0: "a", 1: "b", 2: "c"}, drop_notes=False)
    expected = [[cell.strip() for cell in row] for row in rows]
    expected = [row for row in expected if any(row)]
    got = table.frame.select("a", "b", "c").rows()
    assert [list(r) for r in got] == expected
    assert table.frame[LINE].to_list() == [i + 2 for i, row in enumerate(rows) if any(c.strip() for c in row)]
