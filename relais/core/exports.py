"""Helpers for every CSV or XLSX file Relais hands out.

A spreadsheet turns a cell starting with `=`, `+`, `-` or `@` into a formula (CSV/formula injection,
OWASP): a rejected import row holding `=HYPERLINK(...)` must come back as text. Every exported cell
goes through `safe_cell`.
"""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell as text, with a leading `'` when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence], *, delimiter: str = ";") -> bytes:
    """A CSV file (UTF-8 with BOM so that spreadsheet software reads accents right), every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, sheet: str = "Feuille 1") -> bytes:
    """An XLSX workbook where every cell is written as a string (never a formula), made safe as in CSV."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for col, title in enumerate(header):
        worksheet.write_string(0, col, safe_cell(title), bold)
    for row_number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            worksheet.write_string(row_number, col, safe_cell(value))
    workbook.close()
    return out.getvalue()
