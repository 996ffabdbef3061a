"""Tables shown on the dashboards, exported as CSV/XLSX and printed in the monthly report.

One `Table` feeds the page (HTML data table under each chart), the exports and the PDF, so the three
always show the same figures. Statistics shared beyond the team hide small groups (GDPR, DOMAIN.md §10):
`Table.hide_small_groups()` blanks every figure of a row whose group has fewer members than
`settings.RELAIS_SMALL_GROUP_THRESHOLD`, and, in a table whose rows split one population whose total is
shown elsewhere (`partition`), a second row when only one was hidden: otherwise the total minus the
other rows would give the hidden one back.
"""

import datetime
from dataclasses import dataclass, replace

from django.conf import settings

from relais.core.exports import csv_bytes, xlsx_bytes

NARROW_NBSP = "\u202f"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | int | rate | number | date | interval (a pair of shares) | points (a difference)
    # True on the column whose value is the size of the row's group (the one the threshold applies to).
    is_size: bool = False


@dataclass(frozen=True)
class Hidden:
    """A figure withheld because its group is too small ("< 5")."""

    threshold: int

    def __str__(self):
        return f"< {self.threshold}"


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list]
    note: str = ""
    hidden_rows: int = 0
    threshold: int = 0
    # True when every member of the population is in exactly one row, and the population's total is shown.
    partition: bool = False

    def hide_small_groups(self, threshold: int | None = None) -> "Table":
        """A copy where rows whose group is smaller than the threshold show "< N" instead of figures.

        Groups of size 0 are kept (nothing to protect). The row label stays: it is not a statistic. In a
        partition, a single hidden row takes the smallest other non-empty row with it (complementary hiding).
        """
        threshold = settings.RELAIS_SMALL_GROUP_THRESHOLD if threshold is None else threshold
        sizes = [i for i, c in enumerate(self.columns) if c.is_size]
        if not sizes or threshold <= 1:
            return self
        size_of = [min((row[i] for i in sizes if isinstance(row[i], int)), default=None) for row in self.rows]
        hidden = {n for n, size in enumerate(size_of) if size is not None and 0 < size < threshold}
        if self.partition and len(hidden) == 1:
            others = [(size, n) for n, size in enumerate(size_of) if size and n not in hidden]
            if others:
                hidden.add(min(others)[1])
        rows = [
            [v if c.kind == "text" else Hidden(threshold) for v, c in zip(row, self.columns, strict=True)]
            if n in hidden
            else row
            for n, row in enumerate(self.rows)
        ]
        return replace(self, rows=rows, hidden_rows=len(hidden), threshold=threshold)

    # --- Display -----------------------------------------------------------------------------------------

    def display_rows(self) -> list[list[str]]:
        return [[format_cell(v, c.kind) for v, c in zip(row, self.columns, strict=True)] for row in self.rows]

    def cells(self) -> list[list[tuple[str, bool]]]:
        """Rows for the HTML table: (text, is_number) per cell; the first cell is the row's header."""
        kinds = [c.kind for c in self.columns]
        return [[(text, kind != "text") for text, kind in zip(row, kinds, strict=True)] for row in self.display_rows()]

    def tbody_html(self) -> str:
        """The body rows as HTML, built here rather than in a template loop: thousands of cells render in
        a few milliseconds (every text is escaped; the first cell is the row header)."""
        from django.utils.html import escape
        from django.utils.safestring import mark_safe

        numeric = [c.kind != "text" for c in self.columns]
        out = []
        for row in self.display_rows():
            cells = [f'<th scope="row">{escape(row[0])}</th>']
            cells += [
                f'<td class="num">{escape(text)}</td>' if numeric[i] else f"<td>{escape(text)}</td>"
                for i, text in enumerate(row[1:], start=1)
            ]
            out.append("<tr>" + "".join(cells) + "</tr>")
        if not out:
            out.append(f'<tr><td colspan="{len(self.columns)}">Aucune donnée.</td></tr>')
        return mark_safe("\n".join(out))  # noqa: S308 - every cell escaped above

    def column(self, label: str) -> list:
        index = next(i for i, c in enumerate(self.columns) if c.label == label)
        return [row[index] for row in self.rows]

    def export_header(self) -> list[str]:
        return [f"{c.label} (%)" if c.kind == "rate" else c.label for c in self.columns]

    def export_rows(self) -> list[list]:
        return [[export_cell(v, c.kind) for v, c in zip(row, self.columns, strict=True)] for row in self.rows]

    def csv(self) -> bytes:
        return csv_bytes(self.export_header(), self.export_rows())

    def xlsx(self) -> bytes:
        return xlsx_bytes(self.export_header(), self.export_rows(), sheet=self.key)


def _french_number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}".replace(",", NARROW_NBSP).replace(".", ",")
    return text


def format_cell(value, kind: str) -> str:
    """A cell as the page and the PDF show it: French digits, rates as "37,1 %", "—" when unknown."""
    if isinstance(value, Hidden):
        return str(value)
    if value is None:
        return "—"
    if kind == "int":
        return _french_number(value, 0)
    if kind == "rate":
        return f"{_french_number(value * 100, 1)}{NARROW_NBSP}%"
    if kind == "number":
        return _french_number(value, 1)
    if kind == "date" and isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if kind == "interval":
        low, high = value
        return f"{_french_number(low * 100, 1)} à {_french_number(high * 100, 1)}{NARROW_NBSP}%"
    if kind == "points":
        return f"{'+' if value >= 0 else '−'}{_french_number(abs(value) * 100, 1)}{NARROW_NBSP}pts"
    return str(value)


def export_cell(value, kind: str) -> str:
    """A cell as CSV/XLSX hold it: plain digits (rates in %, one decimal, decimal comma), dates ISO."""
    if isinstance(value, Hidden):
        return str(value)
    if value is None:
        return ""
    if kind == "int":
        return str(value)
    if kind == "rate":
        return f"{value * 100:.1f}".replace(".", ",")
    if kind == "number":
        return f"{value:.1f}".replace(".", ",")
    if kind == "interval":
        return " à ".join(f"{v * 100:.1f}".replace(".", ",") for v in value)
    if kind == "points":
        return f"{value * 100:+.1f}".replace(".", ",")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
