"""Workbooks that would expand far beyond their size, built in milliseconds (for tests and the bench).

Raw deflate blocks written after a full flush do not refer to what came before, so one compressed
block of repeated XML can be repeated to declare (and really hold) a gigabyte in a megabyte.
"""

import io
import struct
import zlib
from zipfile import ZipFile

import xlsxwriter

SHEET = "xl/worksheets/sheet1.xml"
HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def small_workbook(rows=(("Matricule", "Nom", "Prénom", "Direction"), ("100001", "Martin", "Nadia", "DPE"))):
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet()
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    workbook.close()
    return buffer.getvalue()


def repeated_deflate(head: bytes, block: bytes, repeats: int, tail: bytes) -> tuple[bytes, int]:
    """A raw deflate stream of head + block × repeats + tail, and its expanded size."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    middle = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.compress(tail) + compressor.flush()
    return start + middle * repeats + end, len(head) + len(block) * repeats + len(tail)


def workbook_with_sheet(deflated: bytes, size: int, *, declared: int | None = None) -> bytes:
    """A real small workbook whose first sheet is replaced by a raw deflate stream; `declared` is the size
    its directory announces (the real one by default: a lie when smaller)."""
    entries = {}
    with ZipFile(io.BytesIO(small_workbook())) as archive:
        for name in archive.namelist():
            entries[name] = archive.read(name)
    out, central = io.BytesIO(), io.BytesIO()
    for name, content in entries.items():
        if name == SHEET:
            data, real, crc = deflated, declared if declared is not None else size, 0
        else:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
            data, real, crc = compressor.compress(content) + compressor.flush(), len(content), zlib.crc32(content)
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), real, len(encoded), 0))
        out.write(encoded)
        out.write(data)
        central.write(
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                crc,
                len(data),
                real,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )  # fmt: skip
        )
        central.write(encoded)
    directory = central.getvalue()
    out_size = out.tell()
    out.write(directory)
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), out_size, 0))
    return out.getvalue()


def zip_bomb(*, gigabytes: float = 1.0, cells: bool = True, honest: bool = True) -> bytes:
    """A workbook whose first sheet expands to `gigabytes` of repeated empty cells (or of spaces)."""
    block = (b"<c/>" if cells else b" ") * (1024 * 1024 // (4 if cells else 1))
    repeats = int(gigabytes * 1024)
    deflated, size = repeated_deflate(HEAD + b"<sheetData><row>", block, repeats, b"</row></sheetData></worksheet>")
    return workbook_with_sheet(deflated, size, declared=None if honest else 10_000)
