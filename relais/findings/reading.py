"""Reading a file for the checks alone (`hr_quality`): the import's reader and column names, plus the extra columns.

A large clean UTF-8 CSV on disk is read in row batches (the header found by the import's reader on the file's
first megabyte): the whole file is never mapped nor copied at once, so a million-row extract with its NIR and
bank columns is checked in well under a gigabyte. Low-cardinality columns are kept as categories.
"""

from pathlib import Path

import polars as pl

from relais.findings.columns import PREFIX, check_columns
from relais.imports.columns import AGENT_FIELDS, custom_aliases, match_headers
from relais.imports.enums import ImportKind
from relais.imports.reading import HEAD_BYTES, LINE, ImportFileError, _drop_notes, read_table

BATCHED_FROM_BYTES = 8 * HEAD_BYTES
CATEGORIES = ("civility", "category", "filiere", "statut", "grade", "position", "position_end", "contract_end",
              "direction", "service", "hr_manager", "exit_date", "postcode")  # fmt: skip


def _selector(holder: dict):
    aliases = custom_aliases(ImportKind.AGENTS)

    def select(headers):
        mapping = match_headers(headers, AGENT_FIELDS, extra=aliases)
        extra = check_columns(headers, taken=set(mapping.keep))
        holder["labels"] = {**mapping.labels, **{name: headers[i] for i, name in extra.items()}}
        return {**mapping.keep, **extra}

    return select


def read_for_checks(data: bytes | Path):
    """(frame, labels {field: header}) of every column the checks read; ImportFileError when unreadable."""
    holder: dict = {}
    select = _selector(holder)

    def known(cells):
        return len(select(cells))

    if isinstance(data, Path) and data.stat().st_size > BATCHED_FROM_BYTES:
        with data.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
        head = head[: head.rfind(b"\n") + 1]
        table = read_table(head, select, known=known, drop_notes=False)
        if table.file_format == "csv" and table.encoding.startswith("UTF-8"):
            # (select again on the header found: `known` called it on every row it tried.)
            return _batched(data, table, select(table.headers)), holder["labels"]
    table = read_table(data, select, known=known)
    if table.frame.height == 0:
        raise ImportFileError("Le fichier ne contient aucune ligne de données sous la ligne d'en-tête.")
    select(table.headers)
    return table.frame, holder["labels"]


def _batched(path: Path, head_table, keep: dict[int, str]) -> pl.DataFrame:
    """The file read by Polars' streaming engine: trimmed, empty rows dropped and categories made batch by batch."""
    indices = sorted(keep)
    names = {f"c{i}": keep[i] for i in indices}
    lazy = pl.scan_csv(
        path, separator=head_table.separator, has_header=True, skip_lines=head_table.header_line - 1,
        infer_schema=False, quote_char='"', raise_if_empty=False,
        with_column_names=lambda columns: [f"c{i}" for i in range(len(columns))],
    )  # fmt: skip
    lazy = lazy.select(list(names)).rename(names).with_row_index(LINE, offset=head_table.header_line + 1)
    lazy = lazy.with_columns([pl.col(n).fill_null("").str.strip_chars() for n in names.values()])
    lazy = lazy.filter(pl.any_horizontal([pl.col(n) != "" for n in names.values()]))
    categories = _cat(names.values())
    lazy = lazy.with_columns(pl.col(LINE).cast(pl.Int64), *[pl.col(n).cast(pl.Categorical) for n in categories])
    try:
        frame = lazy.collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        raise ImportFileError(
            "Le fichier CSV est mal formé (une ligne compte trop de cellules, ou un guillemet n'est jamais refermé) : "
            "importez-le par la page Imports, qui nomme la ligne en cause."
        ) from exc
    if frame.height == 0:
        raise ImportFileError("Le fichier ne contient aucune ligne de données sous la ligne d'en-tête.")
    tail = frame.tail(20).with_columns(pl.col(pl.Categorical).cast(pl.String))
    _kept, notes = _drop_notes(tail)
    return frame.head(frame.height - len(notes)) if notes else frame


def _cat(names):
    return {n for n in names if n in CATEGORIES or n.removeprefix(PREFIX) in CATEGORIES}
