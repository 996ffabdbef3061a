"""The mapping step: which column of a file is which field, proposed by Relais, confirmed by a person.

A file is first read whole but for its forbidden columns (NIR, bank details: never read), each column
under its position (`c0`, `c1`…). Relais proposes a field for every header: certain when a built-in
name, an administrator's alias or a remembered import profile names it; uncertain when the header only
resembles one ("Matricule de l'agent", "Prenon"). When a header is uncertain, unknown, or a required
field is missing, the page asks; the choice can be kept as an import profile, offered again when the
same set of headers arrives. Day/month order of each date column is decided on the whole column.
"""

import difflib
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from relais.findings.columns import check_columns, check_field
from relais.imports import adoption
from relais.imports.columns import (
    AGENT_FIELDS,
    ColumnMapping,
    FieldSpec,
    custom_aliases,
    header_key,
    is_forbidden,
    missing_required,
)
from relais.imports.enums import AliasTarget, ImportKind
from relais.imports.parsers import DAY_FIRST, MONTH_FIRST, date_expr, date_order
from relais.imports.reading import LINE, ImportFileError, Table, read_table

IGNORE = AliasTarget.IGNORE.value
IGNORE_LABEL = "Ignorer cette colonne"
SAMPLES = 3
MAPPABLE_KINDS = (ImportKind.AGENTS, ImportKind.ADOPTION)
DATE_FIELDS = frozenset({"entry_date", "exit_date", "provisioned_on", "first_sign_in_on", "last_activity_on",
                         "last_logon", "last_logon_date", "refresh_date"})  # fmt: skip
ORDER_CHOICES = [(DAY_FIRST, "jour d'abord (31/01/2025)"), (MONTH_FIRST, "mois d'abord (1/31/2025, à l'américaine)")]


def specs_for(kind: str, source: str = "") -> tuple[FieldSpec, ...]:
    return AGENT_FIELDS if kind == ImportKind.AGENTS else adoption.source_specs(source)


def field_choices(kind: str, source: str = "") -> list[tuple[str, str]]:
    """The fields a column may go to, required ones marked, then "ignorer"."""
    specs = specs_for(kind, source)
    choices = [(s.name, s.label + (" (obligatoire)" if s.required else "")) for s in specs]
    return [*choices, (IGNORE, IGNORE_LABEL)]


def header_set(headers: list[str]) -> list[str]:
    """A file's headers as a profile remembers them: folded, without forbidden or empty ones, sorted."""
    return sorted({header_key(h) for h in headers if h and header_key(h) and not is_forbidden(h)})


def signature(headers: list[str]) -> str:
    return hashlib.sha256("\x1f".join(header_set(headers)).encode()).hexdigest()


@dataclass
class Column:
    index: int
    header: str
    key: str
    samples: list[str]
    proposed: str  # a field name, or IGNORE
    certain: bool
    date_order: str = ""  # DAY_FIRST or MONTH_FIRST when the column holds dates


@dataclass
class Proposal:
    kind: str
    source: str
    columns: list[Column]
    forbidden: list[str] = field(default_factory=list)
    profile: str = ""  # the name of the profile it comes from
    problems: list[str] = field(default_factory=list)

    @property
    def certain(self) -> bool:
        return not self.problems and all(c.certain for c in self.columns)

    def mapping(self) -> dict[int, str]:
        return {c.index: c.proposed for c in self.columns}

    def date_orders(self) -> dict[int, str]:
        return {c.index: c.date_order for c in self.columns if c.date_order}

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Proposal":
        return cls(**{**data, "columns": [Column(**c) for c in data["columns"]]})


@dataclass
class RawRead:
    """A file read for the mapping step: every column Relais may hold, under its position."""

    table: Table
    source: str

    @property
    def headers(self) -> list[str]:
        return self.table.headers


def _known_keys(kind: str, extra: dict[str, str]) -> set[str]:
    if kind == ImportKind.AGENTS:
        specs = AGENT_FIELDS
    else:
        specs = adoption.GENERIC_ADOPTION_FIELDS + tuple(
            s for src in adoption.SOURCE_COLUMNS for s in adoption.source_specs(src)
        )
    return {header_key(a) for s in specs for a in (s.name, *s.aliases)} | set(extra)


def read_raw(*, kind: str, data: bytes | Path, source: str = "") -> RawRead:
    """Read every permitted column of a file (forbidden ones are never read), for the mapping step."""
    extra = custom_aliases(kind)
    known = _known_keys(kind, extra)

    def select(headers: list[str]) -> dict[int, str]:
        # The HR data-reliability checks' extra columns (NIR, bank details, birth date…) are read under their own
        # names for the checks run at upload, and dropped before anything is staged (relais/findings/inflight.py).
        extra = check_columns(headers) if kind == ImportKind.AGENTS else {}
        plain = {i: f"c{i}" for i, h in enumerate(headers) if h and not is_forbidden(h) and i not in extra}
        return {**plain, **extra}

    def count(cells: list[str]) -> int:
        return sum(1 for cell in cells if cell and header_key(cell) in known)

    table = read_table(data, select, known=count)
    if table.frame.height == 0 and not table.read_errors:
        raise ImportFileError(
            "Le fichier ne contient aucune ligne de données sous la ligne d'en-tête."
            if kind == ImportKind.AGENTS
            else "Le rapport ne contient aucune ligne de données sous la ligne d'en-tête."
        )
    chosen = source or (adoption.detect_source(table.headers) if kind == ImportKind.ADOPTION else "")
    return RawRead(table=table, source=chosen)


def _builtin(specs: tuple[FieldSpec, ...]) -> dict[str, str]:
    return {header_key(alias): spec.name for spec in specs for alias in (spec.name, *spec.aliases)}


def _resembles(key: str, builtin: dict[str, str], taken: set[str]) -> str | None:
    """A field whose known name the header contains whole ("matricule de l agent") or nearly spells ("prenon")."""
    words = set(key.split())
    contained = [a for a in builtin if builtin[a] not in taken and len(a) >= 4 and set(a.split()) <= words]
    if contained:
        return builtin[max(contained, key=len)]
    if len(key) < 5:  # "non" is not "nom"
        return None
    close = difflib.get_close_matches(
        key, [a for a in builtin if builtin[a] not in taken and len(a) >= 5], n=1, cutoff=0.8
    )
    return builtin[close[0]] if close else None


def _samples(frame: pl.DataFrame, names: list[str]) -> dict[str, list[str]]:
    if not names:
        return {}
    row = frame.select(
        pl.col(n).filter(pl.col(n) != "").unique(maintain_order=True).head(SAMPLES).implode() for n in names
    )
    return {n: [str(v)[:80] for v in row[n][0]] for n in names}


def _date_like(columns: list["Column"]) -> set[int]:
    """Indices of the columns whose samples mostly read as dates (in either day/month order), in one pass."""
    pairs = [(c.index, v) for c in columns for v in c.samples]
    if not pairs:
        return set()
    text = pl.col("t")
    read = pl.DataFrame(
        {"i": [p[0] for p in pairs], "t": [p[1] for p in pairs]}, schema={"i": pl.Int64, "t": pl.String}
    )
    read = read.with_columns(
        pl.coalesce(date_expr(text, DAY_FIRST), date_expr(text, MONTH_FIRST)).is_not_null().alias("ok")
    )
    share = read.group_by("i").agg(pl.col("ok").mean())
    return set(share.filter(pl.col("ok") >= 0.5)["i"].to_list())


def propose(raw: RawRead, *, kind: str, profile=None) -> Proposal:
    """Relais' proposal for every column of a raw read: the profile's choices when one is given, else the names."""
    source = raw.source
    specs = specs_for(kind, source)
    builtin = _builtin(specs)
    extra = {header_key(k) or k: v for k, v in custom_aliases(kind).items()} if source in ("", "generic") else {}
    remembered = (profile.mapping if profile is not None else {}) or {}
    unused = adoption.KNOWN_UNUSED.get(source, frozenset())
    orders = (profile.date_orders if profile is not None else {}) or {}
    frame, headers = raw.table.frame, raw.headers
    names = [f"c{i}" for i, h in enumerate(headers) if f"c{i}" in frame.columns]
    samples = _samples(frame, names)
    columns, forbidden, taken = [], [], set()
    pending = []
    for index, header in enumerate(headers):
        if not header:
            continue
        if is_forbidden(header):
            forbidden.append(header)
            continue
        if kind == ImportKind.AGENTS and check_field(header):
            # Read for the HR data-reliability checks only, never imported nor staged: known, so certain, and
            # shown without samples.
            columns.append(Column(index, header, header_key(header), [], IGNORE, True))
            continue
        key = header_key(header)
        target = remembered.get(key) or extra.get(key) or builtin.get(key) or (IGNORE if key in unused else None)
        certain = target is not None
        if target in taken:  # a second column for the same field: the first keeps it
            target, certain = IGNORE, False
        column = Column(index, header, key, samples.get(f"c{index}", []), target or IGNORE, certain)
        if target and target != IGNORE:
            taken.add(target)
        elif target is None:
            pending.append(column)
        columns.append(column)
    for column in pending:  # resemblances only for the fields no header names outright
        if guess := _resembles(column.key, builtin, taken):
            column.proposed = guess
            taken.add(guess)
    dates = _date_like(columns)
    for column in columns:
        if column.index not in dates or f"c{column.index}" not in frame.columns:
            continue
        remembered_order = orders.get(column.proposed) if column.proposed in DATE_FIELDS else None
        # Decided on the whole column, never line by line.
        column.date_order = remembered_order or date_order(frame.get_column(f"c{column.index}"))
    proposal = Proposal(kind=kind, source=source, columns=columns, forbidden=forbidden,
                        profile=profile.name if profile is not None else "")  # fmt: skip
    proposal.problems = problems(kind, source, proposal.mapping(), headers)
    return proposal


def problems(kind: str, source: str, mapping: dict[int, str], headers: list[str]) -> list[str]:
    """What prevents importing a file mapped so (French): two columns for one field, a required one missing."""
    specs = specs_for(kind, source)
    labels = {s.name: s.label for s in specs}
    out = []
    by_field: dict[str, list[str]] = {}
    for index, name in sorted(mapping.items()):
        if name != IGNORE:
            by_field.setdefault(name, []).append(headers[index])
    for name, cols in by_field.items():
        if name not in labels:
            out.append(f"Champ inconnu pour la colonne « {cols[0]} » : « {name} ».")
        elif len(cols) > 1:
            quoted = " et ".join(f"« {c} »" for c in cols)
            out.append(
                f"Les colonnes {quoted} vont toutes vers le champ « {labels[name]} » : gardez-en une, "
                "ignorez les autres."
            )
    chosen = {name: cols[0] for name, cols in by_field.items()}
    if kind == ImportKind.AGENTS:
        missing = missing_required(ColumnMapping(labels=chosen), specs)
        if missing:
            names = ", ".join(f"« {spec.label} »" for spec in missing)
            plural = "s" if len(missing) > 1 else ""
            out.append(
                f"Colonne{plural} obligatoire{plural} absente{plural} : {names}. Choisissez la colonne qui la porte "
                "(ou, si le fichier ne l'a pas, complétez-le et importez-le à nouveau)."
            )
    else:
        try:
            adoption.check_columns(chosen, [h for h in headers if h], source or "generic")
        except ImportFileError as exc:
            out.append(str(exc))
    return out


def find_profile(kind: str, headers: list[str]):
    """The import profile made from a file with exactly this set of headers, if any."""
    from relais.imports.models import ImportProfile

    return ImportProfile.objects.filter(kind=kind, signature=signature(headers)).order_by("-updated_at").first()


def profile_misfit(profile, headers: list[str]) -> str:
    """Why a profile does not fit a file's headers (French), or "" when it does: every column it reads is there."""
    keys = {header_key(h) for h in headers if h}
    missing = [k for k, v in profile.mapping.items() if v != IGNORE and k not in keys]
    if not missing:
        return ""
    quoted = ", ".join(f"« {k} »" for k in missing[:5])
    plural = "s" if len(missing) > 1 else ""
    return (
        f"Le profil d'import « {profile.name} » ne correspond pas à ce fichier : colonne{plural} absente{plural} : "
        f"{quoted}. Vérifiez le fichier, ou importez-le sans profil."
    )


def mapped_frame(frame: pl.DataFrame, mapping: dict[int, str]) -> pl.DataFrame:
    """The raw read's columns renamed to their fields; ignored ones dropped."""
    keep = {f"c{i}": name for i, name in mapping.items() if name != IGNORE and f"c{i}" in frame.columns}
    return frame.select(LINE, *keep).rename(keep)


def ignored_headers(headers: list[str], mapping: dict[int, str]) -> list[str]:
    """The headers not read, in the file's order: forbidden ones, and those mapped to "ignorer"."""
    return [h for i, h in enumerate(headers) if h and (is_forbidden(h) or mapping.get(i, IGNORE) == IGNORE)]
