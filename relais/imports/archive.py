"""What a workbook may cost before it is opened: XLSX archives checked before anything expands them.

An XLSX file is a zip archive; 150 KB of it can expand to gigabytes (a "zip bomb") and to millions of
cells, each a Python object once read. So, before the spreadsheet reader sees it:
1. the archive's directory: number of entries, declared total size, compression ratio of each entry;
2. the first sheet's `<dimension ref="A1:R50001">`, when present, as an early estimate of its cells;
3. every entry actually inflated, in small chunks, counting its real bytes (the directory's sizes
   may lie) and the first sheet's real cells, and the farthest cell reference (the reader lays the
   sheet out from A1 to it: one cell at XFD1048576 is 17 billion); reading stops at the first limit
   crossed.
Limits are settings (`RELAIS_IMPORT_MAX_UNCOMPRESSED_BYTES`, `RELAIS_IMPORT_MAX_CELLS`); a file over
one is refused with a French message that says what to do. Merged cells are read as their value,
within the same cell budget.
"""

import re
import struct
import zlib
from dataclasses import dataclass
from zipfile import BadZipFile, LargeZipFile, ZipFile, ZipInfo

from relais.imports.reading import _UNREADABLE_WORKBOOK, ImportFileError

# A real workbook holds a few dozen entries (sheets, styles, images); thousands tell a crafted archive.
MAX_ENTRIES = 10_000
# Worksheet XML compresses 5 to 20 times; an entry of some size compressed far more is a bomb.
MAX_RATIO, RATIO_FROM_BYTES = 200, 16 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
DEFAULT_MAX_CELLS = 3_000_000  # about 600 MB once read (200 bytes a cell)
_CHUNK_IN, _CHUNK_OUT = 64 * 1024, 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4s5H3I2H")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?\"")
# Cell references (`r="AB12"`): the reader lays the sheet out from A1 to the farthest one, empty cells included.
_REFERENCE_COLUMN = re.compile(rb"r=\"([A-Z]{1,3})\d")
_REFERENCE_ROW = re.compile(rb"r=\"[A-Z]{1,3}(\d{1,7})\"")
_ROOT = re.compile(rb"<(\w+:)?worksheet[\s>]")
_SHEET_IDS = re.compile(rb"<(?:\w+:)?sheet\s[^>]*?\b\w+:id=\"([^\"]+)\"")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_ATTRIBUTE = re.compile(rb"(\w+)=\"([^\"]*)\"")


@dataclass(frozen=True)
class Limits:
    uncompressed_bytes: int
    cells: int


def limits() -> Limits:
    from django.conf import settings

    return Limits(
        uncompressed_bytes=getattr(settings, "RELAIS_IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES),
        cells=getattr(settings, "RELAIS_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS),
    )


def size_label(size: int) -> str:
    """A size in bytes as a French reader writes it: « 512 Mo », « 1,2 Go »."""
    for unit, scale in (("Go", 1024**3), ("Mo", 1024**2), ("ko", 1024)):
        if size >= scale:
            value = size / scale
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
            return f"{text.replace('.', ',')} {unit}"
    return f"{size} octets"


def count_label(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")


def _too_big(limit: Limits, detail: str) -> ImportFileError:
    return ImportFileError(
        f"Ce classeur est trop volumineux une fois décompressé ({detail}) : Relais ne l'ouvre pas, pour ne pas "
        f"saturer le serveur (limite : {size_label(limit.uncompressed_bytes)}). Un fichier de quelques "
        "centaines de kilo-octets qui se décompresse ainsi est une « bombe de décompression » ; s'il s'agit "
        "d'un véritable export, enregistrez-le en CSV (sans limite de cette sorte) ou découpez-le."
    )


def _lying(entry: ZipInfo) -> ImportFileError:
    return ImportFileError(
        f"Ce classeur est falsifié : « {entry.filename} » s'y décompresse en plus que les "
        f"{size_label(entry.file_size)} annoncés. Relais ne l'ouvre pas (c'est ainsi qu'opère une « bombe de "
        "décompression »). S'il vient bien de votre tableur, enregistrez-le à nouveau en XLSX ou en CSV."
    )


def _too_many_cells(limit: Limits, count: int, *, at_least: bool) -> ImportFileError:
    how_many = f"au moins {count_label(count)}" if at_least else count_label(count)
    return ImportFileError(
        f"La première feuille de ce classeur compte trop de cellules ({how_many}, pour "
        f"{count_label(limit.cells)} au plus) : Relais ne l'ouvre pas, pour ne pas saturer le serveur. "
        "Enregistrez-la en CSV (sans limite de cette sorte) ou découpez-la."
    )


def check_workbook(data: bytes, limit: Limits | None = None) -> None:
    """Refuse, before it is opened, an XLSX archive that would expand beyond the limits."""
    limit = limit or limits()
    try:
        archive = ZipFile(_Buffer(data))
        entries = archive.infolist()
    except (BadZipFile, LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ImportFileError(_UNREADABLE_WORKBOOK) from exc
    if len(entries) > MAX_ENTRIES:
        raise ImportFileError(
            f"Ce classeur contient {count_label(len(entries))} fichiers internes (un vrai classeur en compte "
            "quelques dizaines) : il n'est pas ouvert. Enregistrez-le à nouveau depuis votre tableur, en XLSX "
            "ou en CSV."
        )
    declared = sum(entry.file_size for entry in entries)
    if declared > limit.uncompressed_bytes:
        raise _too_big(limit, f"{size_label(declared)} annoncés")
    for entry in entries:
        if entry.file_size >= RATIO_FROM_BYTES and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise _too_big(
                limit, f"« {entry.filename} » y est comprimé {entry.file_size // max(entry.compress_size, 1)} fois"
            )

    budget = _Budget(limit)
    by_name = {entry.filename: entry for entry in entries}
    first_sheet = _first_sheet(data, by_name, budget)
    for entry in entries:
        if entry.filename in budget.inflated:
            continue
        if entry.filename == first_sheet or (first_sheet is None and entry.filename.startswith("xl/worksheets/")):
            _count_cells(data, entry, budget)
        else:
            for _chunk in _inflate(data, entry, budget):
                pass


class _Buffer:
    """A read-only file over bytes, without the copy `io.BytesIO` makes of them."""

    def __init__(self, data: bytes):
        self.view, self.position = memoryview(data), 0

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = {0: offset, 1: self.position + offset, 2: len(self.view) + offset}[whence]
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = len(self.view) if size is None or size < 0 else min(len(self.view), self.position + size)
        chunk = bytes(self.view[self.position : end])
        self.position = end
        return chunk

    def seekable(self) -> bool:
        return True


class _Budget:
    def __init__(self, limit: Limits):
        self.limit, self.total, self.inflated = limit, 0, set()

    def spend(self, size: int) -> None:
        self.total += size
        if self.total > self.limit.uncompressed_bytes:
            raise _too_big(self.limit, f"plus de {size_label(self.limit.uncompressed_bytes)} en réalité")


def _inflate(data: bytes, entry: ZipInfo, budget: _Budget):
    """The entry's bytes as they expand, in chunks of at most 1 MB, each counted against the budget."""
    budget.inflated.add(entry.filename)
    offset = entry.header_offset
    try:
        signature, *_, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, offset)
    except struct.error as exc:
        raise ImportFileError(_UNREADABLE_WORKBOOK) from exc
    if signature != b"PK\x03\x04":
        raise ImportFileError(_UNREADABLE_WORKBOOK)
    start = offset + _LOCAL_HEADER.size + name_length + extra_length
    end = min(len(data), start + entry.compress_size)
    view = memoryview(data)
    if entry.compress_type == 0:  # stored
        for position in range(start, end, _CHUNK_OUT):
            chunk = bytes(view[position : min(end, position + _CHUNK_OUT)])
            budget.spend(len(chunk))
            yield chunk
        return
    if entry.compress_type != 8:  # deflate is what every spreadsheet writes
        raise ImportFileError(_UNREADABLE_WORKBOOK)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    position, pending, expanded = start, b"", 0
    try:
        while not inflater.eof:
            if not pending:
                if position >= end:
                    break
                pending = view[position : min(end, position + _CHUNK_IN)]
                position += len(pending)
            chunk = inflater.decompress(pending, _CHUNK_OUT)
            pending = inflater.unconsumed_tail
            if chunk:
                budget.spend(len(chunk))
                expanded += len(chunk)
                if expanded > entry.file_size:  # more than its directory announces: a crafted archive
                    raise _lying(entry)
                yield chunk
    except zlib.error as exc:
        raise ImportFileError(_UNREADABLE_WORKBOOK) from exc


def _read_small(data: bytes, entry: ZipInfo | None, budget: _Budget) -> bytes:
    if entry is None:
        return b""
    parts, size = [], 0
    for chunk in _inflate(data, entry, budget):
        parts.append(chunk)
        size += len(chunk)
        if size > 16 * 1024 * 1024:  # a workbook's table of contents is a few kilobytes
            raise _too_big(budget.limit, f"« {entry.filename} » dépasse 16 Mo")
    return b"".join(parts)


def _first_sheet(data: bytes, by_name: dict[str, ZipInfo], budget: _Budget) -> str | None:
    """The archive path of the first sheet, as the spreadsheet reader opens it (workbook order)."""
    workbook = _read_small(data, by_name.get("xl/workbook.xml"), budget)
    relations = _read_small(data, by_name.get("xl/_rels/workbook.xml.rels"), budget)
    first = _SHEET_IDS.search(workbook)
    if not first:
        return None
    for match in _RELATIONSHIP.finditer(relations):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if attributes.get(b"Id") == first.group(1) and b"Target" in attributes:
            target = attributes[b"Target"].decode("utf-8", "replace")
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return path if path in by_name else None
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _count_cells(data: bytes, entry: ZipInfo, budget: _Budget) -> None:
    limit = budget.limit
    patterns: tuple[bytes, ...] = ()
    pending: list[bytes] = []
    counted, tail, last_row, last_column = 0, b"", 0, 0
    for chunk in _inflate(data, entry, budget):
        if patterns:
            chunks = [chunk]
        else:
            pending.append(chunk)
            head = b"".join(pending)[:65536]
            root = _ROOT.search(head)
            if root is None and len(head) < 65536:
                continue
            # `<c` also starts `<col>`, `<cfRule>`…: a few elements a sheet holds, counted as cells (never fewer).
            patterns = (b"<" + (root.group(1) or b"" if root else b"") + b"c",)
            if dimension := _DIMENSION.search(head):
                left, top, right, bottom = dimension.groups()
                if right and bottom:
                    rows = int(bottom) - int(top) + 1
                    columns = _column_number(right) - _column_number(left) + 1
                    if rows > 0 and columns > 0 and rows * columns > limit.cells:
                        raise _too_many_cells(limit, rows * columns, at_least=False)
            chunks, pending = pending, []
        for piece in chunks:
            window = tail + piece
            counted += sum(window.count(p) for p in patterns) - sum(tail.count(p) for p in patterns)
            if rows := set(_REFERENCE_ROW.findall(window)):
                last_row = max(last_row, *map(int, rows))
            if columns := set(_REFERENCE_COLUMN.findall(window)):
                last_column = max(last_column, *map(_column_number, columns))
            tail = window[-16:]
        if counted > limit.cells:
            raise _too_many_cells(limit, counted, at_least=True)
        if last_row * last_column > limit.cells:
            raise _too_many_cells(limit, last_row * last_column, at_least=False)


def fill_merged(rows: list[list], merged: list, limit: Limits | None = None) -> None:
    """Give every cell of a merged range the value of its top-left cell (a merge shows one value for all).

    Ranges are clipped to the cells read; their filled cells count against the cell limit.
    """
    limit = limit or limits()
    width = max((len(row) for row in rows), default=0)
    filled = 0
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= width:
            continue
        bottom, right = min(bottom, len(rows) - 1), min(right, width - 1)
        filled += (bottom - top + 1) * (right - left + 1)
        if filled > limit.cells:
            raise _too_many_cells(limit, filled, at_least=True)
        value = rows[top][left] if left < len(rows[top]) else None
        for r in range(top, bottom + 1):
            row = rows[r]
            if len(row) <= right:
                row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                row[c] = value
