"""Reading a spreadsheet someone exported from another system: CSV in any usual encoding, or XLSX.

Returns a Polars frame of text columns, only those the caller keeps (forbidden columns such as the
NIR are never even materialised), with `__line`: the line number as the user sees it in a spreadsheet.
The header is the first of the file's first rows whose cells name enough known columns, so title rows
above it and PowerShell's `#TYPE` line are passed over; the lines keep their real numbers. Anything
unreadable, or too big to open safely (`relais.imports.archive`), raises `ImportFileError` with a
plain French message.
"""

import csv
import datetime
import io
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

LINE = "__line"
MAX_CELL_BYTES = 10 * 1024 * 1024
SEPARATORS = (";", "\t", ",")
SEPARATOR_NAMES = {";": "point-virgule", "\t": "tabulation", ",": "virgule"}
# The header is looked for in this many first rows (title rows, notes, a `#TYPE` line above it).
HEADER_SCAN_ROWS = 30
# A row naming this many known columns is the header at once; otherwise the row naming the most wins.
HEADER_MIN_KNOWN = 2

_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_LONE_CR_BYTES = re.compile(rb"\r[^\n]")
_LONE_CR = re.compile(r"\r(?!\n)")
_EXCEL_SEP_LINE = re.compile(r"^\ufeff?sep=(.)\s*$", re.IGNORECASE)
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
_UNREADABLE_WORKBOOK = (
    "Ce fichier n'est pas un classeur Excel lisible (XLSX) : ouvrez-le dans votre tableur et "
    "enregistrez-le à nouveau en XLSX ou en CSV."
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
    header_line: int = 1  # the header's line as a spreadsheet numbers it
    notes: list[int] = field(default_factory=list)  # lines of notes under the table, not read as rows

    @property
    def description(self) -> str:
        if self.file_format != "csv":
            text = "Classeur Excel"
        else:
            separator = SEPARATOR_NAMES.get(self.separator, self.separator)
            text = f"CSV, encodage {self.encoding}, séparateur {separator}"
        if self.header_line > 1:
            text += f", en-tête trouvé ligne {self.header_line}"
        if self.notes:
            where = f"ligne {self.notes[0]}" if len(self.notes) == 1 else f"lignes {self.notes[0]} à {self.notes[-1]}"
            text += f", notes sous le tableau ignorées ({where})"
        return text


Selector = Callable[[list[str]], dict[int, str]]
# How many cells of a candidate header row name a column the caller knows.
KnownCounter = Callable[[list[str]], int]


HEAD_BYTES = 1024 * 1024


def read_table(
    source: bytes | Path,
    select: Selector,
    *,
    known: KnownCounter | None = None,
    scan_rows: int = HEADER_SCAN_ROWS,
    drop_notes: bool = True,
) -> Table:
    """Read a file (its bytes, or its path: read in place, never loaded whole when it is clean UTF-8).

    `select(headers)` returns {column index: name} of the columns to keep; it may raise ImportFileError
    to refuse the file. The header is the first of the first `scan_rows` rows in which `known(cells)`
    counts HEADER_MIN_KNOWN known columns, else the row with the most; with no `known`, the number of
    columns `select` keeps (0 when it refuses). When no row names any known column, the first row as
    wide as the table is taken (title and `#` comment lines are narrower), and `select` says what is
    missing. `drop_notes`: a few one-cell lines of text under the table, after a blank line, are notes
    (`Table.notes`), not rows.
    """
    if isinstance(source, Path):
        with source.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        whole = len(head) < HEAD_BYTES
    else:
        head, whole = source[:HEAD_BYTES], len(source) <= HEAD_BYTES

    def load() -> bytes:
        return source.read_bytes() if isinstance(source, Path) else source

    chooser = _HeaderChooser(select, known, scan_rows, drop_notes)
    if whole and not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ImportFileError("Le fichier est vide.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        return _read_workbook(load(), chooser)
    for magic, message in _MAGIC:
        if head.startswith(magic):
            raise ImportFileError(message)
    utf16 = None if head.startswith((b"\xff\xfe", b"\xfe\xff")) else utf16_without_bom(head)
    if not head.startswith((b"\xff\xfe", b"\xfe\xff")) and utf16 is None:
        if b"\x00" in head[:65536]:
            raise ImportFileError(_NOT_A_SPREADSHEET)
        # Fast path: a UTF-8 file goes to Polars as it is (which checks UTF-8 as it reads). Lone CR line
        # ends (old Mac files) are not line ends to Polars: such files take the careful path.
        complete = head if whole else head[: head.rfind(b"\n") + 1]
        try:
            head_text = complete.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            if not _LONE_CR_BYTES.search(head):
                encoding = "UTF-8 avec BOM" if head.startswith(b"\xef\xbb\xbf") else "UTF-8"
                polars_source = str(source) if isinstance(source, Path) else io.BytesIO(source)
                try:
                    return _read_csv(head_text, encoding, chooser, polars_source=polars_source, text=None)
                except _NeedsText:
                    pass  # invalid UTF-8 further down, or a malformed line: read it the careful way
    text, encoding = decode(load(), utf16=utf16)
    # Lone CR line ends (old Mac files, or one stray line) are read by Python's csv module, which takes
    # them as line ends outside quotes and keeps them inside (Polars would join the lines).
    exact = "\r" in text and bool(_LONE_CR.search(text))
    return _read_csv(text, encoding, chooser, polars_source=None, text=text, exact=exact)


class _NeedsText(Exception):
    """The fast reader gave up; the careful one (whole text, line by line if need be) takes over."""


def utf16_without_bom(head: bytes) -> str | None:
    """ "utf-16-le" or "utf-16-be" when the bytes look like UTF-16 text written without a BOM.

    Text in Latin script written in UTF-16 has a NUL byte in nearly every other position (the high
    byte of each character), and nearly none in the others; binary files have NULs anywhere.
    """
    sample = head[:65536]
    sample = sample[: len(sample) // 2 * 2]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for nuls, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls >= 0.4 * half and others <= 0.02 * half:
            return codec
    return None


def decode(data: bytes, *, utf16: str | None = None) -> tuple[str, str]:
    """The text of a CSV and the encoding found: UTF-8 (with or without BOM), UTF-16 (with or without
    BOM), or Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or utf16:
        codec = utf16 or "utf-16"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise ImportFileError("Le fichier semble encodé en UTF-16 mais contient des octets invalides.") from exc
        if "\x00" in text[:65536]:
            raise ImportFileError(_NOT_A_SPREADSHEET)
        order = "BE" if (codec == "utf-16-be" or data.startswith(b"\xfe\xff")) else "LE"
        return text.removeprefix("\ufeff"), f"UTF-16 {order}" + ("" if utf16 is None else " sans BOM")
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


def _separator(lines: list[str]) -> str:
    """The separator of a CSV from its first lines: the one that cuts most lines into the same number of
    cells (a table's rows agree with their header; a title line, or commas inside a `;` file's cells, do not).

    Excel's `sep=;` first line, when present, says it outright.
    """
    if lines and (given := _EXCEL_SEP_LINE.match(lines[0])):
        return given.group(1)
    best, best_score = ",", (0, 0)
    for sep in SEPARATORS:
        try:
            widths = Counter(len(row) for row in csv.reader(lines, delimiter=sep) if len(row) > 1)
        except csv.Error:
            continue
        if widths:
            width, agreeing = max(widths.items(), key=lambda item: (item[1], item[0]))
            if (agreeing, width) > best_score:  # ties: the order of SEPARATORS wins
                best, best_score = sep, (agreeing, width)
    return best


class _HeaderChooser:
    """Finds the header among a file's first rows and asks the caller which columns to keep."""

    def __init__(self, select: Selector, known: KnownCounter | None, scan_rows: int, drop_notes: bool = True):
        self.select, self.known, self.scan_rows, self.drop_notes = select, known, scan_rows, drop_notes

    def choose(self, rows: list[list[str]]) -> tuple[int, list[str], dict[int, str]]:
        """(index of the header in `rows`, its cells stripped, the columns to keep)."""
        candidates = [i for i, row in enumerate(rows[: self.scan_rows]) if any(cell.strip() for cell in row)]
        if not candidates:
            raise ImportFileError(
                "Le fichier est vide."
                if len(rows) < self.scan_rows
                else f"Les {self.scan_rows} premières lignes du fichier sont vides : la ligne des noms de colonnes "
                "doit se trouver parmi elles."
            )
        last_select: tuple[int, dict[int, str]] | None = None  # the latest call of `select`, if it answered
        chosen, best = None, 0
        for index in candidates:
            cells = [cell.strip() for cell in rows[index]]
            if self.known is not None:
                score = self.known(cells)
            else:
                last_select = None
                try:
                    keep = self.select(cells)
                except ImportFileError:
                    score = 0
                else:
                    last_select, score = (index, keep), len(keep)
            if score >= HEADER_MIN_KNOWN:
                chosen = index
                break
            if score > best:
                chosen, best = index, score
        if chosen is None:
            chosen = _widest(rows, candidates)
        headers = [cell.strip() for cell in rows[chosen]]
        if not any(headers):
            raise ImportFileError("La ligne des noms de colonnes est vide.")
        if last_select is not None and last_select[0] == chosen:
            return chosen, headers, last_select[1]  # `select` was last called on this very row
        return chosen, headers, self.select(headers)


def _widest(rows: list[list[str]], candidates: list[int]) -> int:
    """The first row holding (nearly) as many distinct values as the widest: a table's header, not its title."""
    plain = [i for i in candidates if not rows[i][0].lstrip().startswith("#")] or candidates
    width = {i: len({cell.strip() for cell in rows[i] if cell.strip()}) for i in plain}
    most = max(width.values())
    if most < 2:
        return plain[0]
    return next(i for i in plain if width[i] >= max(2, 0.8 * most))


def _first_records(text: str, separator: str, count: int) -> tuple[list[list[str]], list[int]]:
    """The first `count` records of a CSV text, and the physical line each ends on."""
    csv.field_size_limit(sys.maxsize)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows, ends = [], []
    try:
        for row in reader:
            rows.append(row)
            ends.append(reader.line_num)
            if len(rows) >= count:
                break
    except csv.Error:
        pass  # a malformed line among the first ones: the header is looked for above it
    return rows, ends


def _read_csv(
    head_text: str, encoding: str, chooser: _HeaderChooser, *, polars_source, text: str | None, exact: bool = False
) -> Table:
    first_lines = head_text[:HEAD_BYTES].splitlines()[: chooser.scan_rows]
    separator = _separator([line for line in first_lines if line.strip()])
    rows, ends = _first_records(head_text[:HEAD_BYTES], separator, chooser.scan_rows + 1)
    if not rows:
        raise ImportFileError("La ligne d'en-tête du fichier est illisible.")
    header_index, headers, keep = chooser.choose(rows)
    skip_lines = ends[header_index - 1] if header_index else 0
    indices = sorted(keep)
    read_errors: list[list] = []
    if not indices:
        frame = pl.DataFrame({LINE: pl.Series([], dtype=pl.Int64)})
    elif exact and text is not None:
        frame, read_errors = _read_csv_strict(text, separator, header_index, headers, keep)
        frame = _clean(frame)
    else:
        try:
            # Lazy and streaming: reading, trimming and dropping empty rows in one pass over bounded
            # batches (a million-row extract stays well under a gigabyte).
            names = {f"c{i}": keep[i] for i in indices}
            lazy = pl.scan_csv(
                polars_source if text is None else io.BytesIO(text.encode("utf-8")),
                separator=separator,
                has_header=True,
                skip_lines=skip_lines,
                infer_schema=False,
                quote_char='"',
                raise_if_empty=False,
                with_column_names=lambda columns: [f"c{i}" for i in range(len(columns))],
            )
            lazy = lazy.select(list(names)).rename(names).with_row_index(LINE, offset=header_index + 2)
            frame = _clean(lazy).collect(engine="streaming")
            frame = frame.with_columns(pl.col(LINE).cast(pl.Int64))
        except pl.exceptions.PolarsError as exc:
            if text is None:
                raise _NeedsText from exc
            # The fast reader refuses some files (a line with too many cells); read them exactly,
            # row by row, so that the offending lines can be named.
            frame, read_errors = _read_csv_strict(text, separator, header_index, headers, keep)
            frame = _clean(frame)
        else:
            if text is None and _has_lone_cr(frame):
                raise _NeedsText  # a lone CR line end far down the file: two lines were read as one
    frame, notes = _drop_notes(frame) if chooser.drop_notes else (frame, [])
    frame, oversized = _drop_oversized(frame)
    return Table(frame=_one_chunk(frame), headers=headers, file_format="csv", encoding=encoding, separator=separator,
                 read_errors=read_errors + oversized, header_line=header_index + 1, notes=notes)  # fmt: skip


def _one_chunk(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with each column in one piece, one column at a time (at most one column is held twice).

    Polars' reader returns pieces; a later select mixing them with computed columns (one piece) would
    rechunk every column at once: 220 MB more for a million-row extract.
    """
    for index, name in enumerate(frame.columns):
        if frame.get_column(name).n_chunks() > 1:
            frame.replace_column(index, frame.get_column(name).rechunk())
    return frame


def _has_lone_cr(frame: pl.DataFrame) -> bool:
    names = [c for c in frame.columns if c != LINE]

    def anywhere(pattern: str, literal: bool) -> bool:
        found = pl.any_horizontal(pl.col(n).str.contains(pattern, literal=literal) for n in names)
        return bool(frame.select(found.any()).item())

    return bool(names) and anywhere("\r", True) and anywhere(r"\r[^\n]", False)


def _read_csv_strict(text: str, separator: str, header_index: int, headers: list[str], keep: dict[int, str]):
    columns: dict[str, list] = {name: [] for name in keep.values()}
    lines: list[int] = []
    errors: list[list] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    record_number, starts_at = header_index + 1, 1
    try:
        for _ in range(header_index + 1):
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


def _read_workbook(data: bytes, chooser: _HeaderChooser) -> Table:
    from python_calamine import CalamineError, CalamineWorkbook

    from relais.imports.archive import check_workbook, fill_merged

    if data.startswith(b"PK\x03\x04"):
        check_workbook(data)  # before anything expands it
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    except (CalamineError, ValueError, OSError) as exc:  # noqa: B014 - calamine raises several kinds
        raise ImportFileError(_UNREADABLE_WORKBOOK) from exc
    except Exception as exc:  # calamine raises its own exception types for corrupt archives
        raise ImportFileError(_NOT_A_SPREADSHEET) from exc
    if merged:
        fill_merged(rows, merged)
    if not any(_cell(v).strip() for row in rows for v in row):
        raise ImportFileError("Le fichier est vide.")
    scanned = [[_cell(v) for v in row] for row in rows[: chooser.scan_rows]]
    header_index, headers, keep = chooser.choose(scanned)
    columns: dict[str, list] = {name: [] for name in keep.values()}
    lines = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        lines.append(offset)
        for index, name in keep.items():
            columns[name].append(_cell(row[index]) if index < len(row) else "")
    del rows
    frame = pl.DataFrame(
        {LINE: pl.Series(lines, dtype=pl.Int64), **{k: pl.Series(v, dtype=pl.String) for k, v in columns.items()}}
    )
    frame, notes = _drop_notes(_clean(frame)) if chooser.drop_notes else (_clean(frame), [])
    frame, oversized = _drop_oversized(frame)
    return Table(frame=frame, headers=headers, file_format="xlsx", header_line=header_index + 1, notes=notes,
                 read_errors=oversized)  # fmt: skip


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


OVERSIZED_MESSAGE = "Cellule trop volumineuse (plus de 10 Mo) : ligne refusée."


def _drop_oversized(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[list]]:
    """Lines with a cell over MAX_CELL_BYTES, left out and returned as read errors (never kept whole)."""
    names = [c for c in frame.columns if c != LINE]
    if not names:
        return frame, []
    too_big = pl.any_horizontal(pl.col(n).str.len_bytes() > MAX_CELL_BYTES for n in names)
    rows = frame.filter(too_big)
    if rows.height == 0:
        return frame, []
    errors = []
    for row in rows.iter_rows(named=True):
        name = next(n for n in names if len(row[n].encode()) > MAX_CELL_BYTES)
        errors.append(
            [row[LINE], name, row[name][:40] + "…", "Cellule trop volumineuse (plus de 10 Mo) : ligne refusée."]
        )
    return frame.filter(~too_big), errors


MAX_NOTE_LINES = 10


def _drop_notes(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[int]]:
    """Notes under a table ("Source : SIRH, extraction du 02/03"): after a blank line, a few last lines
    of one cell each, below rows of several. They are not rows: left out, and their lines returned."""
    names = [c for c in frame.columns if c != LINE]
    if len(names) < 2 or frame.height < 2:
        return frame, []
    # One cell filled, with words in it ("Source : SIRH"): a row of data with one cell is rarely prose.
    prose = pl.concat_str(names).str.contains(r"\p{L}{2,}\s+\S")
    tail = frame.tail(MAX_NOTE_LINES + 1).with_columns(
        (pl.sum_horizontal(pl.col(n) != "" for n in names) + pl.when(prose).then(0).otherwise(1)).alias("_filled")
    )
    filled, lines = tail["_filled"].to_list(), tail[LINE].to_list()
    start = len(filled)
    while start > 0 and filled[start - 1] == 1:
        start -= 1
    if start == 0 or start == len(filled) or lines[start] == lines[start - 1] + 1:
        return frame, []  # all one-cell rows, none, or no blank line between the table and them
    notes = lines[start:]
    return frame.head(frame.height - len(notes)), notes


def _shorten(value: str, limit: int = 200) -> str:
    return value if len(value) <= limit else value[:limit] + "…"
