"""Reading a spreadsheet someone exported from another system: CSV in any usual encoding, or XLSX.

Returns a Polars frame of text columns, only those the caller keeps (forbidden columns such as the
NIR are never even materialised), with `__line`: the line number as the user sees it in a spreadsheet
(header = line 1). Anything unreadable raises `ImportFileError` with a plain French message.
"""

import csv
import datetime
import io
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

LINE = "__line"
MAX_CELL_BYTES = 10 * 1024 * 1024
SEPARATORS = (";", "\t", ",")
SEPARATOR_NAMES = {";": "point-virgule", "\t": "tabulation", ",": "virgule"}

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_MAGIC = [
    (b"%PDF", "Ce fichier est un PDF, pas un tableur. Exportez les données en CSV ou en XLSX."),
    (b"\x89PNG", "Ce fichier est une image (PNG), pas un tableur. Exportez les données en CSV ou en XLSX."),
    (b"\xff\xd8\xff", "Ce fichier est une image (JPEG), pas un tableur. Exportez les données en CSV ou en XLSX."),
    (b"GIF8", "Ce fichier est une image (GIF), pas un tableur. Exportez les données en CSV ou en XLSX."),
    (b"\x1f\x8b", "Ce fichier est compressé (gzip). Décompressez-le puis importez le fichier CSV ou XLSX."),
]
_NOT_A_SPREADSHEET = (
    "Ce fichier n'est ni un fichier CSV (texte) ni un classeur Excel (XLSX) : "
    "vérifiez qu'il s'agit bien de l'export demandé."
)


class ImportFileError(Exception):
    """The file cannot be read at all; the message, in French, says why and what to do."""


@dataclass
class Table:
    frame: pl.DataFrame
    headers: list[str]
    file_format: str  # "csv" or "xlsx"
    encoding: str = ""
    separator: str = ""
    # Rows the reader itself could not take (too many cells): [line, column, value, reason].
    read_errors: list[list] = field(default_factory=list)

    @property
    def description(self) -> str:
        if self.file_format != "csv":
            return "Classeur Excel"
        return f"CSV, encodage {self.encoding}, séparateur {SEPARATOR_NAMES.get(self.separator, self.separator)}"


Selector = Callable[[list[str]], dict[int, str]]


HEAD_BYTES = 1024 * 1024


def read_table(source: bytes | Path, select: Selector) -> Table:
    """Read a file (its bytes, or its path: read in place, never loaded whole when it is clean UTF-8).

    `select(headers)` returns {column index: name} of the columns to keep.
    """
    if isinstance(source, Path):
        with source.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        whole = len(head) < HEAD_BYTES
    else:
        head, whole = source[:HEAD_BYTES], len(source) <= HEAD_BYTES

    def load() -> bytes:
        return source.read_bytes() if isinstance(source, Path) else source

    if whole and not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ImportFileError("Le fichier est vide.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_workbook(load(), select)
    for magic, message in _MAGIC:
        if head.startswith(magic):
            raise ImportFileError(message)
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        if b"\x00" in head[:65536]:
            raise ImportFileError(_NOT_A_SPREADSHEET)
        # Fast path: a UTF-8 file goes to Polars as it is (which checks UTF-8 as it reads).
        complete = head if whole else head[: head.rfind(b"\n") + 1]
        try:
            head_text = complete.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            encoding = "UTF-8 avec BOM" if head.startswith(b"\xef\xbb\xbf") else "UTF-8"
            polars_source = str(source) if isinstance(source, Path) else io.BytesIO(source)
            try:
                return _read_csv(head_text, encoding, select, polars_source=polars_source, text=None)
            except _NeedsText:
                pass  # invalid UTF-8 further down, or a malformed line: read it the careful way
    text, encoding = decode(load())
    return _read_csv(text, encoding, select, polars_source=None, text=text)


class _NeedsText(Exception):
    """The fast reader gave up; the careful one (whole text, line by line if need be) takes over."""


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding found: UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError("Le fichier annonce l'encodage UTF-16 mais contient des octets invalides.") from exc
    if b"\x00" in data[:65536]:
        raise ImportFileError(_NOT_A_SPREADSHEET)
    if data.startswith(b"\xef\xbb\xbf"):
        body, encoding = data[3:], "UTF-8 avec BOM"
    else:
        body, encoding = data, "UTF-8"
    try:
        return body.decode("utf-8"), encoding
    except UnicodeDecodeError as exc:
        bad_line = body.count(b"\n", 0, exc.start) + 1
        if encoding == "UTF-8 avec BOM" or _UTF8_MULTIBYTE.search(body):
            raise ImportFileError(
                f"Le fichier mélange plusieurs encodages : la ligne {bad_line} n'est pas en UTF-8 alors que "
                "d'autres lignes le sont. Ouvrez-le dans votre tableur et enregistrez-le en « CSV UTF-8 »."
            ) from exc
    try:
        return body.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        bad_line = body.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            f"Encodage du fichier non reconnu (caractère illisible ligne {bad_line}) : "
            "enregistrez-le en « CSV UTF-8 » et importez-le à nouveau."
        ) from exc


def sniff_separator(header_line: str) -> str:
    """The separator of a CSV from its header line: the most frequent of `;`, tab and `,` outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])  # ties: the order of SEPARATORS wins
    return best if counts[best] else ","


def _header(text: str) -> tuple[list[str], str]:
    first_line = text.split("\n", 1)[0]
    separator = sniff_separator(first_line)
    csv.field_size_limit(sys.maxsize)
    try:
        headers = next(csv.reader(io.StringIO(text[:1_000_000]), delimiter=separator, strict=True))
    except (csv.Error, StopIteration) as exc:
        raise ImportFileError("La ligne d'en-tête du fichier est illisible.") from exc
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise ImportFileError("La première ligne du fichier doit contenir les noms des colonnes ; elle est vide.")
    return headers, separator


def _read_csv(head_text: str, encoding: str, select: Selector, *, polars_source, text: str | None) -> Table:
    headers, separator = _header(head_text)
    keep = select(headers)
    indices = sorted(keep)
    read_errors: list[list] = []
    if not indices:
        frame = pl.DataFrame({LINE: pl.Series([], dtype=pl.Int64)})
    else:
        try:
            # Lazy and streaming: reading, trimming and dropping empty rows in one pass over bounded
            # batches (a million-row extract stays well under a gigabyte).
            names = {f"c{i}": keep[i] for i in indices}
            lazy = pl.scan_csv(
                polars_source if text is None else io.BytesIO(text.encode("utf-8")),
                separator=separator,
                has_header=True,
                infer_schema=False,
                quote_char='"',
                raise_if_empty=False,
                with_column_names=lambda columns: [f"c{i}" for i in range(len(columns))],
            )
            lazy = lazy.select(list(names)).rename(names).with_row_index(LINE, offset=2)
            frame = _clean(lazy).collect(engine="streaming")
            frame = frame.with_columns(pl.col(LINE).cast(pl.Int64))
        except pl.exceptions.PolarsError as exc:
            if text is None:
                raise _NeedsText from exc
            # The fast reader refuses some files (a line with too many cells); read them exactly,
            # row by row, so that the offending lines can be named.
            frame, read_errors = _read_csv_strict(text, separator, headers, keep)
            frame = _clean(frame)
    return Table(frame=frame, headers=headers, file_format="csv", encoding=encoding, separator=separator,
                 read_errors=read_errors)  # fmt: skip


def _read_csv_strict(text: str, separator: str, headers: list[str], keep: dict[int, str]):
    columns: dict[str, list] = {name: [] for name in keep.values()}
    lines: list[int] = []
    errors: list[list] = []
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    record_number, starts_at = 1, 1
    try:
        next(reader)
        while True:
            starts_at = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            record_number += 1
            if len(row) > len(headers) and any(cell.strip() for cell in row[len(headers) :]):
                errors.append(
                    [
                        record_number,
                        "",
                        _shorten(separator.join(row)),
                        f"La ligne compte {len(row)} cellules alors que l'en-tête n'en compte que {len(headers)} "
                        "(séparateur ou guillemet en trop ?).",
                    ]
                )
                continue
            lines.append(record_number)
            for index, name in keep.items():
                columns[name].append(row[index] if index < len(row) else "")
    except csv.Error as exc:
        raise ImportFileError(
            f"Le fichier CSV est mal formé à partir de la ligne {starts_at} : un guillemet ouvert n'est jamais "
            "refermé, ou une cellule est mal délimitée. Corrigez cette ligne et importez le fichier à nouveau."
        ) from exc
    frame = pl.DataFrame(
        {LINE: pl.Series(lines, dtype=pl.Int64), **{k: pl.Series(v, dtype=pl.String) for k, v in columns.items()}}
    )
    return frame, errors


def _read_workbook(data: bytes, select: Selector) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError) as exc:  # noqa: B014 - calamine raises several kinds
        raise ImportFileError(
            "Ce fichier n'est pas un classeur Excel lisible (XLSX) : ouvrez-le dans votre tableur et "
            "enregistrez-le à nouveau en XLSX ou en CSV."
        ) from exc
    except Exception as exc:  # calamine raises its own exception types for corrupt archives
        raise ImportFileError(_NOT_A_SPREADSHEET) from exc
    header_index = next((i for i, row in enumerate(rows) if sum(1 for v in row if _cell(v)) >= 1), None)
    if header_index is None:
        raise ImportFileError("Le fichier est vide.")
    headers = [_cell(v).strip() for v in rows[header_index]]
    keep = select(headers)
    columns: dict[str, list] = {name: [] for name in keep.values()}
    lines = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        lines.append(offset)
        for index, name in keep.items():
            columns[name].append(_cell(row[index]) if index < len(row) else "")
    frame = pl.DataFrame(
        {LINE: pl.Series(lines, dtype=pl.Int64), **{k: pl.Series(v, dtype=pl.String) for k, v in columns.items()}}
    )
    return Table(frame=_clean(frame), headers=headers, file_format="xlsx")


def _cell(value) -> str:
    """A workbook cell as the text a CSV export of it would hold (dates in ISO, whole numbers without `.0`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _clean(frame):
    """Text columns stripped, nulls as empty strings, fully empty rows dropped (eager or lazy frames)."""
    names = [c for c in frame.collect_schema().names() if c != LINE]
    if not names:
        return frame
    frame = frame.with_columns([pl.col(c).cast(pl.String).fill_null("").str.strip_chars() for c in names])
    return frame.filter(pl.any_horizontal([pl.col(c) != "" for c in names]))


def _shorten(value: str, limit: int = 200) -> str:
    return value if len(value) <= limit else value[:limit] + "…"
