import io

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from relais.core.exports import csv_bytes, safe_cell, xlsx_bytes

DANGEROUS = ['=HYPERLINK("http://x")', "+33140000000", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]


def test_safe_cell_prefixes_formula_starts():
    for value in DANGEROUS:
        assert safe_cell(value) == "'" + value
    assert safe_cell("Durand") == "Durand" and safe_cell(None) == "" and safe_cell(12) == "12"


@given(st.text())
def test_safe_cell_never_starts_with_a_formula_character(value):
    assert not safe_cell(value).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_export_cells_are_text():
    text = csv_bytes(["valeur"], [[v] for v in DANGEROUS]).decode("utf-8-sig")
    for value in DANGEROUS:
        assert f"'{value[:3]}" in text


def test_xlsx_export_never_holds_a_formula():
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(["valeur"], [[v] for v in DANGEROUS])))
    cells = [row[0] for row in workbook.active.iter_rows(min_row=2)]
    for cell, value in zip(cells, DANGEROUS, strict=True):
        assert cell.data_type == "s", cell.value
        assert cell.value.startswith("'")
        assert cell.value.endswith(value[2:])  # (openpyxl shows a carriage return as _x000D_)
