"""No NIR and no IBAN in a kept cell of any import (issue 16 §2b, DOMAIN.md §6).

Columns named as NIR or bank details are dropped unread (`columns.is_forbidden`); this screens the cells of
every other column that an import keeps. Vectorised: one regular expression finds the few cells shaped like
a NIR or an IBAN (Polars, every column at once); only those go through the checksums of
`relais.core.identifiers`, so that a million clean rows cost one scan. A cell whose checksum holds is left
empty, and a warning names its line and column; numbers that merely look alike are kept as they are.
"""

import polars as pl

from relais.core.identifiers import find_identifiers, identifiers_named
from relais.imports.reading import LINE

# Supersets of relais.core.identifiers' patterns (Rust's regex has no look-behind): a prefilter only.
_CANDIDATE = (
    r"[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[AaBb]) ?\d{3} ?\d{3} ?\d{2}"
    r"|[A-Za-z]{2}\d{2}(?: ?[0-9A-Za-z]){11,30}"
)
MASKED_VALUE = "(masqué)"


def left_empty_message(kinds: set[str]) -> str:
    what = identifiers_named(kinds)
    return f"ce texte contient {what}, que Relais ne conserve pas ; valeur laissée vide."


def screen(frame: pl.DataFrame, *, skip: tuple[str, ...] = ()) -> tuple[pl.DataFrame, list[list]]:
    """The frame with every cell holding a NIR or an IBAN emptied, and the warnings [line, column, value, reason].

    `skip`: columns whose own check already refuses such values (the agents' matricule rejects its line).
    """
    names = [c for c, dtype in frame.schema.items() if c != LINE and c not in skip and dtype == pl.String]
    if not names or frame.height == 0:
        return frame, []
    # One scan of every column; then only the shaped cells (a few in a thousand) meet the checksums.
    shaped = frame.select(pl.col(LINE), *[pl.col(c).str.contains(_CANDIDATE).alias(c) for c in names])
    hit = [c for c in names if shaped.get_column(c).any()]
    warnings: list[list] = []
    emptied: dict[str, list[int]] = {}
    for name in hit:
        cells = frame.filter(shaped.get_column(name)).select(LINE, name)
        for line, value in cells.iter_rows():
            kinds = {found.kind for found in find_identifiers(value)}
            if kinds:
                warnings.append([line, name, MASKED_VALUE, left_empty_message(kinds)])
                emptied.setdefault(name, []).append(line)
    if emptied:
        frame = frame.with_columns(
            pl.when(pl.col(LINE).is_in(pl.Series(lines, dtype=frame.schema[LINE]).implode()))
            .then(pl.lit(""))
            .otherwise(pl.col(name))
            .alias(name)
            for name, lines in emptied.items()
        )
    return frame, sorted(warnings)
