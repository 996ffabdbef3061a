import datetime

import polars as pl
import pytest
from django.db import connection

from relais.imports.sql import read_frame

SCHEMA = {"n": pl.Int64, "text": pl.String, "day": pl.Int64}
AWKWARD = ["", None, 'un "guillemet", une virgule', "deux\nlignes", "Élodie ; Aïcha"]


@pytest.mark.django_db
def test_read_frame_keeps_every_value_as_the_database_holds_it():
    """PostgreSQL sends the rows as CSV: NULL and '' stay apart; quotes, commas and line breaks survive."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE read_frame_probe (n bigint, text text, day date)")
        cursor.executemany(
            "INSERT INTO read_frame_probe VALUES (%s, %s, %s)",
            [(i, text, datetime.date(2026, 1, i + 1) if i % 2 else None) for i, text in enumerate(AWKWARD)],
        )
        day = (
            "day - DATE '0001-01-01' + 1"
            if connection.vendor == "postgresql"
            else "CAST(julianday(day) AS INTEGER) - 1721424"
        )
        frame = read_frame(cursor, f"SELECT n, text, {day} FROM read_frame_probe WHERE n >= %s ORDER BY n", [0], SCHEMA)
        empty = read_frame(cursor, "SELECT n, text, 0 FROM read_frame_probe WHERE n > %s", [99], SCHEMA)
    assert frame.get_column("text").to_list() == AWKWARD
    assert frame.get_column("day").to_list() == [
        datetime.date(2026, 1, i + 1).toordinal() if i % 2 else None for i in range(len(AWKWARD))
    ]
    assert empty.height == 0 and empty.schema == pl.Schema(SCHEMA)
