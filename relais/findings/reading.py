"""Reading a file for the checks alone (`hr_quality`): the import's reader and column names, plus the extra columns."""

from pathlib import Path

from relais.findings.columns import check_columns
from relais.imports.columns import AGENT_FIELDS, custom_aliases, match_headers
from relais.imports.enums import ImportKind
from relais.imports.reading import ImportFileError, read_table


def read_for_checks(data: bytes | Path):
    """(frame, labels {field: header}) of every column the checks read; ImportFileError when unreadable."""
    aliases = custom_aliases(ImportKind.AGENTS)
    holder = {}

    def select(headers):
        mapping = match_headers(headers, AGENT_FIELDS, extra=aliases)
        extra = check_columns(headers, taken=set(mapping.keep))
        holder["labels"] = {**mapping.labels, **{name: headers[i] for i, name in extra.items()}}
        return {**mapping.keep, **extra}

    def known(cells):
        return len(select(cells))

    table = read_table(data, select, known=known)
    if table.frame.height == 0:
        raise ImportFileError("Le fichier ne contient aucune ligne de données sous la ligne d'en-tête.")
    select(table.headers)
    return table.frame, holder["labels"]
