"""Running every rule on an HR extract, vectorised and in bounded memory.

`check(frame, labels)` takes the rows as read (`relais.imports.reading`: text columns and `__line`), named by field
(`matricule`, `statut`… or `__chk_nir`…), and returns the findings: line, matricule, column (header as in the
file), rule, family, severity, message, and the raw direction and HR manager values (to file each finding).

Memory: rows are prepared and checked in slices (`BATCH`); only the findings and, for the uniqueness rules, one
64-bit hash per row and key leave a slice, so a million-row extract with NIR and bank columns stays well under a
gigabyte. Values read once per distinct value (dates, grades, directions) are decided on the whole column first:
the day/month order of a date column is the import's (`relais.imports.parsers.date_column`), never line by line.
The NIR and bank values live only inside a slice being checked; nothing derived from them is returned but hashes
compared within the run.
"""

import datetime
import time
from dataclasses import dataclass, field

import polars as pl

from relais.core.identifiers import mask_identifiers
from relais.core.text import fold
from relais.findings import checksums
from relais.findings.columns import LABELS, PREFIX
from relais.findings.grades import grade_key, shipped_rows
from relais.findings.rules import REGISTRY, Context, Rule
from relais.imports.agents import FILIERES, NIR_LIKE, STATUTS
from relais.imports.identifiers import MASKED_VALUE
from relais.imports.parsers import date_column, date_order, fold_expr
from relais.imports.reading import LINE

BATCH = 100_000
DATE_FIELDS = ("birth_date", "entry_date", "exit_date", "position_end", "contract_end")
POSITIONS = {
    "activite": "activite", "en activite": "activite", "position d activite": "activite", "act": "activite",
    "detachement": "detachement", "detache": "detachement", "en detachement": "detachement",
    "disponibilite": "disponibilite", "dispo": "disponibilite", "en disponibilite": "disponibilite",
    "conge parental": "conge_parental", "en conge parental": "conge_parental",
}  # fmt: skip
MALE = frozenset({"m", "mr", "m.", "monsieur", "homme", "h", "masculin", "1", "male"})
FEMALE = frozenset({"mme", "madame", "mlle", "melle", "mademoiselle", "femme", "f", "feminin", "2", "female"})
SCHEMA = {"line": pl.Int64, "matricule": pl.String, "column": pl.String, "rule": pl.String, "family": pl.String,
          "severity": pl.String, "message": pl.String, "direction": pl.String, "hr_manager": pl.String}  # fmt: skip


@dataclass
class Reference:
    """What the rules compare with: directions and services Relais knows, the grades reference table."""

    directions: dict[str, int] = field(default_factory=dict)  # folded code or name -> id
    services: set[tuple[int, str]] = field(default_factory=set)  # (direction id, folded name)
    grades: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # key -> [(filiere, category, label)]

    @classmethod
    def load(cls) -> "Reference":
        from relais.findings.models import Grade
        from relais.organisation.models import Direction, Service

        directions = {}
        for pk, code, name in Direction.objects.values_list("pk", "code", "name"):
            directions.setdefault(fold(name), pk)
            directions[fold(code)] = pk
        services = {(d, fold(name)) for d, name in Service.objects.values_list("direction_id", "name")}
        grades: dict[str, list] = {}
        rows = Grade.objects.values_list("key", "aliases", "label", "cadre__filiere", "cadre__category")
        for key, aliases, label, filiere, category in rows:
            for k in {key, *(grade_key(a) for a in aliases.splitlines() if a.strip())}:
                grades.setdefault(k, []).append((filiere, category, label))
        # An empty table (flushed, never loaded) is not "no grade exists": the shipped table stands in for it.
        return cls(directions, services, grades or shipped_grades())


def shipped_grades() -> dict[str, list[tuple[str, str, str]]]:
    """The grades lookup from the shipped table alone (before any administrator's addition)."""
    grades: dict[str, list] = {}
    for row in shipped_rows():
        for label in (row.label, *row.aliases):
            grades.setdefault(grade_key(label), []).append((row.filiere, row.category, row.label))
    return grades


def rule_settings() -> dict[str, tuple[bool, str]]:
    """{code: (enabled, severity)} as administrators set them (Administration › Réglages des règles)."""
    from relais.findings.models import RuleSetting

    out = {}
    for code, enabled, severity in RuleSetting.objects.values_list("code", "enabled", "severity"):
        rule = REGISTRY.get(code)
        if rule is not None:
            out[code] = (enabled, severity or rule.severity)
    return out


@dataclass
class CheckResult:
    findings: pl.DataFrame
    rows: int
    rules: list[str]  # the codes that ran
    duration: float
    columns: dict[str, str]  # field -> header, of the columns the checks read
    matricules: pl.Series | None = None  # the files of the extract (a partial one closes only theirs)
    systematic: list[dict] = field(default_factory=list)  # {rule, column, lines, example}: reported once, not per file

    def counts(self) -> dict:
        f = self.findings
        return {
            "family": dict(f.group_by("family").len().iter_rows()),
            "severity": dict(f.group_by("severity").len().iter_rows()),
            "rule": dict(f.group_by("rule").len().iter_rows()),
            "lines": f.get_column("line").n_unique() if f.height else 0,
            "systematic": self.systematic,
        }


def _norm(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns named by field: `__chk_nir` is `nir`; anything else but known fields and `__line` left out."""
    known = set(LABELS) | {LINE}
    renamed = {c: c[len(PREFIX) :] for c in frame.columns if c.startswith(PREFIX)}
    frame = frame.rename(renamed) if renamed else frame
    return frame.select([c for c in frame.columns if c in known])


def _text(frame: pl.DataFrame, name: str) -> pl.Series:
    return frame.get_column(name).cast(pl.String)


def _lookups(frame: pl.DataFrame, reference: Reference) -> dict:
    """On the whole file: each date column's day/month order, and per distinct value its grade and direction."""
    out: dict = {"orders": {}}
    for name in DATE_FIELDS:
        if name in frame.columns:
            out["orders"][name] = date_order(_text(frame, name))
    if "grade" in frame.columns:
        keys = {v: grade_key(v) for v in _text(frame, "grade").unique().to_list() if v}
        out["grade"] = {v: reference.grades.get(k) for v, k in keys.items()}
    if "direction" in frame.columns:
        out["direction"] = {
            v: reference.directions.get(fold(v)) for v in _text(frame, "direction").unique().to_list() if v
        }
    return out


def prepare(batch: pl.DataFrame, lookups: dict, today: datetime.date) -> pl.DataFrame:
    """The derived columns the rules read: typed dates, statut, filière, sex, compacted NIR and their checks."""
    # Columns read as categories (the batched reader) are text again for the rules, one slice at a time.
    batch = batch.with_columns(pl.col(pl.Categorical).cast(pl.String))
    cols = set(batch.columns)
    derived: list[pl.Expr] = []
    for name in DATE_FIELDS:
        if name in cols:
            column = date_column(batch.get_column(name), order=lookups["orders"].get(name))
            batch = batch.with_columns(column.dates.alias(f"_{name}"))
            derived.append(((pl.col(name) != "") & pl.col(f"_{name}").is_null()).alias(f"_{name}_bad"))
    if "statut" in cols:
        key = fold_expr(pl.col("statut")).str.replace(r"^statut\s+", "")
        derived.append(key.replace_strict(STATUTS, default=None, return_dtype=pl.String).alias("_statut"))
        derived.append(key.str.contains(r"\bcdd\b").alias("_cdd"))
    if "filiere" in cols:
        key = fold_expr(pl.col("filiere")).str.replace(r"^filiere\s+", "")
        derived.append(key.replace_strict(FILIERES, default=None, return_dtype=pl.String).alias("_filiere"))
    if "category" in cols:
        derived.append(
            fold_expr(pl.col("category")).str.replace(r"^(categorie|cat)\s*", "").str.to_uppercase().alias("_category")
        )
    if "civility" in cols:
        folded = fold_expr(pl.col("civility"))
        derived.append(
            pl.when(folded.is_in(list(MALE))).then(pl.lit("M")).when(folded.is_in(list(FEMALE))).then(pl.lit("F"))
            .alias("_sex")
        )  # fmt: skip
    if "position" in cols:
        folded = fold_expr(pl.col("position"))
        derived.append(
            pl.when(folded == "").then(None)
            .otherwise(folded.replace_strict(POSITIONS, default="?", return_dtype=pl.String))
            .alias("_position")
        )  # fmt: skip
    if "nir" in cols:
        derived.append(checksums.compact(pl.col("nir")).alias("_nir"))
    if "iban" in cols:
        derived.append(checksums.compact(pl.col("iban")).alias("_iban"))
    for name in ("bank_code", "branch_code", "account_number", "rib_key"):
        if name in cols:
            derived.append(checksums.compact(pl.col(name)).alias(f"_{name}"))
    if "grade" in cols and lookups.get("grade"):
        grades = lookups["grade"]
        filieres = {v: ",".join(sorted({g[0] for g in found})) for v, found in grades.items() if found}
        categories = {v: ",".join(sorted({g[1] for g in found})) for v, found in grades.items() if found}
        derived.append(
            pl.col("grade").replace_strict(filieres, default=None, return_dtype=pl.String).alias("_grade_filieres")
        )
        derived.append(
            pl.col("grade").replace_strict(categories, default=None, return_dtype=pl.String).alias("_grade_categories")
        )
    elif "grade" in cols:
        derived += [
            pl.lit(None, dtype=pl.String).alias("_grade_filieres"),
            pl.lit(None, dtype=pl.String).alias("_grade_categories"),
        ]
    if "direction" in cols:
        ids = lookups.get("direction") or {}
        derived.append(
            pl.col("direction").replace_strict(ids, default=None, return_dtype=pl.Int64).alias("_direction_id")
        )
    batch = batch.with_columns(derived) if derived else batch
    more = []
    if "nir" in cols:
        more.append(checksums.nir_shape(pl.col("_nir")).alias("_nir_shape"))
    if "exit_date" in cols:
        more.append((pl.col("_exit_date").is_null() | (pl.col("_exit_date") > pl.lit(today))).alias("_active"))
    else:
        more.append(pl.lit(True).alias("_active"))
    return batch.with_columns(more)


# A message may quote the cell it blames; a NIR or an IBAN typed in the wrong column (a grade, a job title) must
# not survive in it: the candidates (long runs of digits, a country code and two digits) go through the checksum.
_IDENTIFIER_CANDIDATE = r"\d[\d ]{11,}|[A-Za-z]{2}\d{2}[\dA-Za-z ]{11,}"


def _without_identifiers(messages: pl.Series) -> pl.Series:
    """The messages, those quoting a NIR or an IBAN masked; only the candidates meet the checksums."""
    hits = messages.str.contains(_IDENTIFIER_CANDIDATE).fill_null(False)
    if not hits.any():
        return messages
    return messages.scatter(hits.arg_true(), [mask_identifiers(m)[0] for m in messages.filter(hits)])


def _message(header: str, text) -> pl.Expr:
    return pl.concat_str(
        [pl.lit("Ligne "), pl.col(LINE).cast(pl.String), pl.lit(f", colonne « {header} » : "),
         text if isinstance(text, pl.Expr) else pl.lit(text), pl.lit(".")]
    ).map_batches(_without_identifiers, return_dtype=pl.String)  # fmt: skip


# A rule that fails on this share of a file's lines (and on more than SYSTEMATIC_MIN of them) points at the column,
# not at the files: a phone column written in another format, a grade list from another employer. It is reported
# once for the extract ("défaut systématique") instead of as a finding per file, which no HR manager could work
# through and which would only bury the real faults.
SYSTEMATIC_SHARE = 0.2
SYSTEMATIC_MIN = 1000


def _emit(batch, rule: Rule, severity: str, ctx: Context, labels: dict[str, str], systematic: dict) -> list:
    out = []
    for fault in rule.find(ctx):
        header = labels.get(fault.column, LABELS.get(fault.column, fault.column))
        mask = batch.select(fault.mask.fill_null(False)).to_series()  # evaluated once: counted, then filtered by
        key = (rule.code, header)
        count = int(mask.sum())
        if count == 0:
            continue
        if key in systematic or (count > SYSTEMATIC_MIN and count > SYSTEMATIC_SHARE * batch.height):
            entry = systematic.setdefault(key, {"rule": rule.code, "column": header, "lines": 0, "example": ""})
            entry["lines"] += count
            if not entry["example"]:
                entry["example"] = batch.filter(mask).head(1).select(_message(header, fault.text)).item()
            continue
        rows = batch.filter(mask)
        out.append(
            rows.select(
                pl.col(LINE).cast(pl.Int64).alias("line"),
                (pl.col("matricule") if "matricule" in rows.columns else pl.lit("")).alias("matricule"),
                pl.lit(header).alias("column"),
                pl.lit(rule.code).alias("rule"),
                pl.lit(rule.family).alias("family"),
                pl.lit(severity).alias("severity"),
                _message(header, fault.text).str.slice(0, 500).alias("message"),
                (pl.col("direction") if "direction" in rows.columns else pl.lit("")).alias("direction"),
                (pl.col("hr_manager") if "hr_manager" in rows.columns else pl.lit("")).alias("hr_manager"),
            )
        )
    return out


def check(
    frame: pl.DataFrame,
    labels: dict[str, str],
    *,
    today: datetime.date | None = None,
    reference: Reference | None = None,
    settings: dict[str, tuple[bool, str]] | None = None,
    batch_rows: int = BATCH,
) -> CheckResult:
    """Every enabled rule on the rows; `labels`: {field: header as in the file} of the columns given."""
    started = time.perf_counter()
    today = today or datetime.date.today()
    reference = reference if reference is not None else Reference.load()
    settings = settings if settings is not None else rule_settings()
    frame = _norm(frame)
    fields = frozenset(c for c in frame.columns if c != LINE)
    labels = {f: labels.get(f) or labels.get(PREFIX + f) or LABELS.get(f, f) for f in fields}
    ctx = Context(fields=fields, today=today, reference=reference)
    active_rules = []
    for rule in REGISTRY.values():
        enabled, severity = settings.get(rule.code, (True, rule.severity))
        if enabled and rule.applies(ctx):
            active_rules.append((rule, severity or rule.severity))
    lookups = _lookups(frame, reference)
    parts: list[pl.DataFrame] = []
    keys: list[pl.DataFrame] = []
    systematic: dict[tuple[str, str], dict] = {}
    local = [(r, s) for r, s in active_rules if r.row_local]
    global_rules = [(r, s) for r, s in active_rules if not r.row_local]
    for start in range(0, max(frame.height, 1), batch_rows):
        batch = prepare(frame.slice(start, batch_rows), lookups, today)
        if "matricule" in batch.columns:
            batch = batch.with_columns(
                pl.when(pl.col("matricule").str.contains(NIR_LIKE)).then(pl.lit(MASKED_VALUE)).otherwise(pl.col("matricule"))
                .alias("matricule")
            )  # fmt: skip
        for rule, severity in local:
            parts.extend(_emit(batch, rule, severity, ctx, labels, systematic))
        if global_rules:
            from relais.findings.rules.uniqueness import keys_of

            keys.append(keys_of(batch, ctx))
        del batch
    if global_rules and keys:
        from relais.findings.rules.uniqueness import find_duplicates

        whole = pl.concat(keys)
        del keys
        for rule, severity in global_rules:
            parts.extend(find_duplicates(whole, rule, severity, labels))
    findings = pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=SCHEMA)
    del parts
    if systematic:  # slices checked before a rule turned out systematic gave findings of it: left out too
        findings = findings.filter(
            ~pl.concat_str([pl.col("rule"), pl.col("column")], separator="\x1f").is_in(
                [f"{r}\x1f{c}" for r, c in systematic]
            )
        )
    findings = findings.sort("line", "rule", "column")
    return CheckResult(
        findings=findings,
        rows=frame.height,
        rules=[r.code for r, _ in active_rules],
        duration=time.perf_counter() - started,
        columns=labels,
        matricules=_text(frame, "matricule").unique()
        if "matricule" in frame.columns
        else pl.Series([], dtype=pl.String),
        systematic=sorted(systematic.values(), key=lambda e: -e["lines"]),
    )
