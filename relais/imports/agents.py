# ruff: noqa: S608 - SQL here is assembled from constant identifiers; values always go as parameters.
"""HR extracts (SIRH): validate every row at once, compare with the referential, write with set-based SQL.

Rules: upsert by matricule; only the columns the file holds are changed; an agent absent from a
full extract gets its exit date set to the extract's date (never deleted); a partial extract
touches only its rows; directions, services and sites are matched by code or name, or created.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl
from django.db import connection
from django.utils import timezone

from relais.agents.enums import Category, Filiere, Statut
from relais.agents.hr_managers import key_for, match_pending, resolve
from relais.agents.models import Agent
from relais.core.text import fold
from relais.imports import sql
from relais.imports.columns import AGENT_FIELDS
from relais.imports.identifiers import MASKED_VALUE
from relais.imports.parsers import ORDER_LABELS, bool_expr, date_column, fold_expr
from relais.imports.reading import LINE
from relais.imports.referential import Referential

TEXT_FIELDS = ("last_name", "usage_name", "first_name", "grade", "job_title", "work_phone", "work_email")
CHOICE_FIELDS = ("category", "filiere", "statut")
DATE_FIELDS = ("entry_date", "exit_date")
FK_FIELDS = ("direction_id", "service_id", "site_id")
# Every field compared with the referential, in the order of the report.
COMPARED = (*TEXT_FIELDS, *CHOICE_FIELDS, *DATE_FIELDS, "uses_computer", *FK_FIELDS, "hr_manager")
SPECS = {spec.name: spec for spec in AGENT_FIELDS}
FIELD_LABELS = {
    **{spec.name: spec.label for spec in AGENT_FIELDS},
    "direction_id": "direction",
    "service_id": "service",
    "site_id": "site",
}
EXAMPLES = 10
ProgressFn = Callable[[str, int], None]


def _choice_map(choices, extra: dict[str, str]) -> dict[str, str]:
    mapping = {}
    for value, label in choices.choices:
        mapping[fold(value)] = value
        mapping[fold(label)] = value
    mapping.update(extra)
    return mapping


FILIERES = _choice_map(
    Filiere,
    {
        "administratif": Filiere.ADMINISTRATIVE, "adm": Filiere.ADMINISTRATIVE, "admin": Filiere.ADMINISTRATIVE,
        "medico social": Filiere.MEDICO_SOCIALE, "sociale": Filiere.MEDICO_SOCIALE,
        "police": Filiere.POLICE_MUNICIPALE, "sapeur pompier": Filiere.SAPEURS_POMPIERS,
        "pompiers": Filiere.SAPEURS_POMPIERS, "sport": Filiere.SPORTIVE, "culture": Filiere.CULTURELLE,
        "tech": Filiere.TECHNIQUE,
    },
)  # fmt: skip
STATUTS = _choice_map(
    Statut,
    {
        "titulaires": Statut.TITULAIRE, "fonctionnaire": Statut.TITULAIRE, "fonctionnaire titulaire": Statut.TITULAIRE,
        "tit": Statut.TITULAIRE, "stagiaires": Statut.STAGIAIRE, "fonctionnaire stagiaire": Statut.STAGIAIRE,
        "contractuelle": Statut.CONTRACTUEL, "contractuels": Statut.CONTRACTUEL, "non titulaire": Statut.CONTRACTUEL,
        "cdd": Statut.CONTRACTUEL, "cdi": Statut.CONTRACTUEL, "contractuel cdd": Statut.CONTRACTUEL,
        "contractuel cdi": Statut.CONTRACTUEL, "agent contractuel": Statut.CONTRACTUEL,
        "apprentie": Statut.APPRENTI, "apprentissage": Statut.APPRENTI, "vacation": Statut.VACATAIRE,
    },
)  # fmt: skip
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# A 13- or 15-digit value starting with 1 or 2 (Corsica 2A/2B included) is very likely a NIR.
NIR_LIKE = r"^[12]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?$"


class ImportBlocked(Exception):
    """The import would apply nothing useful or something unsafe; the message says why, in French."""


@dataclass
class AgentPlan:
    """What an extract would change: the rows to write, the agents leaving, the rejected lines."""

    rows: pl.DataFrame  # new and updated agents, complete rows, with "change" and "changed_fields"
    leaving: pl.DataFrame  # id, matricule, display
    rejected: list[list]
    referential: Referential
    provided: list[str]
    counts: dict[str, int]
    examples: dict
    as_of: datetime.date
    lines_total: int = 0
    notices: list[str] = field(default_factory=list)
    hr_labels: dict[str, str] = field(default_factory=dict)  # HR manager key -> value as first written
    warnings: list[list] = field(default_factory=list)  # [line, field, value, message]: applied, field left empty


def _reject(frame: pl.DataFrame, mask: pl.Expr, column: str, reason, value: pl.Expr | None = None) -> pl.DataFrame:
    value = pl.col(column) if value is None else value
    return frame.filter(mask).select(
        pl.col(LINE).alias("line"),
        pl.lit(column).alias("field"),
        value.cast(pl.String).str.slice(0, 200).alias("value"),
        (reason if isinstance(reason, pl.Expr) else pl.lit(reason)).alias("reason"),
    )


# Identity: a line without these cannot be an agent of the referential, so it is rejected. Any other column
# is optional: a value that cannot be read there is a warning on its line and the field is left empty, as if
# the cell were (issue 12 §2: one unreadable date must not cost an agent their file).
IDENTITY = ("matricule", "last_name", "usage_name", "direction")
LEFT_EMPTY = "champ laissé vide"


def _quoted(column: str) -> pl.Expr:
    return pl.concat_str([pl.lit("« "), pl.col(column).str.slice(0, 80), pl.lit(" »")])


def validate(
    frame: pl.DataFrame, *, date_orders: dict[str, str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Check every row at once; returns (typed valid rows, rejections, warnings), both [line, field, value, reason].

    A line is rejected, each problem named with its column, only for its identity (matricule, a name — the
    usage name alone suffices —, direction); an optional value that cannot be read is a warning and the
    field is left empty. `date_orders`: {field: "dmy" | "mdy"} remembered by an import profile, else decided
    on each whole column.
    """
    date_orders = date_orders or {}
    provided = [c for c in frame.columns if c != LINE]
    problems: list[pl.DataFrame] = []
    warnings: list[pl.DataFrame] = []
    blank: dict[str, pl.Expr] = {}  # optional column -> lines whose value is dropped

    def drop(name: str, mask: pl.Expr, reason, value: pl.Expr | None = None) -> None:
        # Only columns with a dropped value are rewritten: a million-row extract is not copied for nothing.
        dropped = _reject(frame, mask, name, reason, value)
        if dropped.height:
            warnings.append(dropped)
            blank[name] = blank[name] | mask if name in blank else mask

    # (Cells over MAX_CELL_BYTES never reach here: the reader leaves their lines out, each a read error.)
    for name in provided:
        spec = SPECS.get(name)
        if not (spec and spec.max_length):
            continue
        too_long = pl.col(name).str.len_chars() > spec.max_length
        if name in IDENTITY:
            problems.append(_reject(frame, too_long, name, f"Trop long : {spec.max_length} caractères au plus."))
        else:
            drop(name, too_long, f"Trop long ({spec.max_length} caractères au plus), {LEFT_EMPTY}.")

    # A usage name alone is a name. The model requires last_name, so when the file gives only the usage
    # name (or leaves the last name empty on a line), the usage name is stored as both usage name and
    # last name; when both come, both are kept as they are.
    if "usage_name" in provided:
        if "last_name" not in provided:
            frame = frame.with_columns(pl.col("usage_name").alias("last_name"))
            provided.append("last_name")
        else:
            frame = frame.with_columns(
                pl.when(pl.col("last_name") == "")
                .then(pl.col("usage_name"))
                .otherwise(pl.col("last_name"))
                .alias("last_name")
            )
    for name, missing in (
        ("matricule", "Matricule manquant"),
        ("last_name", "Nom manquant"),
        ("direction", "Direction manquante"),
    ):
        if name in provided:
            reason = f"{missing} : cette information est obligatoire."
            problems.append(_reject(frame, pl.col(name) == "", name, reason))
    if "first_name" in provided:
        warnings.append(
            _reject(frame, pl.col("first_name") == "", "first_name", "Prénom manquant : fiche enregistrée sans prénom.")
        )

    if "matricule" in provided:
        nir_like = pl.col("matricule").str.contains(NIR_LIKE)
        nir_lines = _reject(
            frame,
            nir_like,
            "matricule",
            "Ce matricule ressemble à un numéro de sécurité sociale (NIR), que Relais n'enregistre pas.",
            pl.lit(MASKED_VALUE),
        )
        problems.append(nir_lines)
        if nir_lines.height:
            frame = frame.with_columns(
                pl.when(nir_like).then(pl.lit("")).otherwise(pl.col("matricule")).alias("matricule")
            )
        # Hash once, and gather line numbers only for the few duplicated matricules.
        dup = frame.filter((pl.col("matricule") != "") & pl.col("matricule").is_duplicated())
        if dup.height:
            lines = dup.group_by("matricule").agg(
                pl.col(LINE).sort().head(6).cast(pl.String).str.join(", ").alias("_lines")
            )
            dup = dup.join(lines, on="matricule", how="left")
            problems.append(
                _reject(
                    dup,
                    pl.lit(True),
                    "matricule",
                    pl.format("Matricule présent plusieurs fois dans le fichier (lignes {}).", pl.col("_lines")),
                )
            )

    typed: dict[str, pl.Expr] = {
        c: pl.col(c) for c in provided if c not in (*CHOICE_FIELDS, *DATE_FIELDS, "uses_computer")
    }
    if "category" in provided:
        frame = _per_value(
            frame, "category", fold_expr(pl.col("category")).str.replace(r"^(categorie|cat)\s*", "").str.to_uppercase()
        )
        cat = pl.col("_category")
        drop(
            "category",
            (pl.col("category") != "") & ~cat.is_in(Category.values),
            pl.format("catégorie inconnue {} : A, B ou C attendu, " + LEFT_EMPTY + ".", _quoted("category")),
        )
        typed["category"] = cat
    for name, mapping, expected in (
        ("filiere", FILIERES, ", ".join(label.lower() for label in Filiere.labels)),
        ("statut", STATUTS, ", ".join(label.lower() for label in Statut.labels)),
    ):
        if name in provided:
            key = fold_expr(pl.col(name)).str.replace(r"^(filiere|statut)\s+", "")
            frame = _per_value(frame, name, key.replace_strict(mapping, default=None, return_dtype=pl.String))
            mapped = pl.col(f"_{name}")
            drop(
                name,
                (pl.col(name) != "") & mapped.is_null(),
                pl.format(
                    f"{SPECS[name].label} inconnu(e) {{}} : valeurs admises {expected} ; {LEFT_EMPTY}.", _quoted(name)
                ),
            )
            typed[name] = mapped.fill_null("")
    for name in DATE_FIELDS:
        if name in provided:
            # Day/month order decided on the whole column (`03/04/2024` reads as the rest of the column does).
            column = date_column(frame.get_column(name), order=date_orders.get(name))
            frame = frame.with_columns(column.dates.alias(f"_{name}"), column.contradicts.alias(f"_{name}_order"))
            parsed = pl.col(f"_{name}")
            order = ORDER_LABELS[column.order]
            reason = (
                pl.when(pl.col(f"_{name}_order"))
                .then(
                    pl.format(
                        f"date ambiguë {{}} (le reste de la colonne est écrit {order}), {LEFT_EMPTY}.", _quoted(name)
                    )
                )
                .otherwise(pl.format(f"date illisible {{}}, {LEFT_EMPTY}.", _quoted(name)))
            )
            drop(name, (pl.col(name) != "") & parsed.is_null(), reason)
            typed[name] = parsed
    if "entry_date" in provided and "exit_date" in provided:
        before = pl.col("_exit_date") < pl.col("_entry_date")
        drop("exit_date", before, f"la date de sortie précède la date d'entrée, {LEFT_EMPTY}.")
    if "work_email" in provided:
        bad = (pl.col("work_email") != "") & ~pl.col("work_email").str.contains(_EMAIL)
        drop("work_email", bad, pl.format(f"adresse électronique invalide {{}}, {LEFT_EMPTY}.", _quoted("work_email")))
    if "uses_computer" in provided:
        frame = _per_value(frame, "uses_computer", bool_expr(pl.col("uses_computer")))
        flag = pl.col("_uses_computer")
        drop(
            "uses_computer",
            (pl.col("uses_computer") != "") & flag.is_null(),
            pl.format(f"valeur illisible {{}} : oui ou non attendu, {LEFT_EMPTY}.", _quoted("uses_computer")),
        )
        typed["uses_computer"] = flag

    for name, mask in blank.items():
        if name in typed:
            empty = pl.lit("") if name in (*TEXT_FIELDS, *CHOICE_FIELDS, "service", "site", "hr_manager") else None
            typed[name] = pl.when(mask).then(empty).otherwise(typed[name])
    rejections = pl.concat(problems).sort("line", "field") if problems else _empty_rejections()
    rejected_lines = rejections["line"].implode()
    kept = frame.filter(~pl.col(LINE).is_in(rejected_lines)) if rejections.height else frame
    valid = kept.select(pl.col(LINE), *[expr.alias(name) for name, expr in typed.items()])
    # Warnings on rejected lines say nothing more: the line is not written.
    warned = (
        pl.concat(warnings).filter(~pl.col("line").is_in(rejected_lines)).sort("line", "field")
        if warnings
        else _empty_rejections()
    )
    return valid, rejections, warned


def _per_value(frame: pl.DataFrame, name: str, expr: pl.Expr) -> pl.DataFrame:
    """`frame` with `_<name>` = `expr` of column `name`, computed once per distinct value (dates,
    categories and the like repeat: parsing 12,000 distinct dates beats parsing a million)."""
    values = frame.select(pl.col(name).unique()).with_columns(expr.alias("_v"))
    if values.height == 0:  # (Polars keeps the text dtype when replacing from an empty mapping)
        return frame.with_columns(pl.lit(None, dtype=values["_v"].dtype).alias(f"_{name}"))
    mapped = pl.col(name).replace_strict(values[name], values["_v"], return_dtype=values["_v"].dtype)
    return frame.with_columns(mapped.alias(f"_{name}"))


def _empty_rejections() -> pl.DataFrame:
    return pl.DataFrame(schema={"line": pl.Int64, "field": pl.String, "value": pl.String, "reason": pl.String})


SNAPSHOT_SCHEMA = {
    "id": pl.Int64, "matricule": pl.String, "last_name": pl.String, "usage_name": pl.String, "first_name": pl.String,
    "grade": pl.String, "job_title": pl.String, "work_phone": pl.String, "work_email": pl.String,
    "category": pl.String, "filiere": pl.String, "statut": pl.String, "entry_date": pl.Date, "exit_date": pl.Date,
    "uses_computer": pl.Boolean, "direction_id": pl.Int64, "service_id": pl.Int64, "site_id": pl.Int64,
    "hr_manager": pl.String,
}  # fmt: skip


def load_snapshot() -> pl.DataFrame:
    """Every agent of the referential, as compared with an extract (a million rows in bounded memory)."""
    columns = ", ".join(f"a.{c}" for c in SNAPSHOT_SCHEMA if c != "hr_manager")
    with connection.cursor() as cursor:
        return sql.fetch_frame(
            cursor,
            f"SELECT {columns}, m.key FROM agents_agent a LEFT JOIN agents_hrmanager m ON m.id = a.hr_manager_id",
            [],
            SNAPSHOT_SCHEMA,
        )


def plan(
    frame: pl.DataFrame,
    *,
    full: bool,
    as_of: datetime.date,
    progress: ProgressFn | None = None,
    date_orders: dict[str, str] | None = None,
) -> AgentPlan:
    """Compare a read extract with the referential: what would be new, updated, leaving, unchanged, rejected."""
    progress = progress or (lambda phase, done: None)
    lines_total = frame.height
    file_matricules = frame.get_column("matricule") if "matricule" in frame.columns else pl.Series([], dtype=pl.String)
    progress("Contrôle des lignes", 0)
    valid, rejections, warnings = validate(frame, date_orders=date_orders)
    progress("Comparaison avec le référentiel", lines_total // 2)
    provided = [c for c in valid.columns if c != LINE]
    snapshot = load_snapshot()
    referential = Referential.load()

    # Directions, services and sites by code or name: few distinct values, resolved in Python.
    dir_map = {value: referential.direction(value) for value in valid.get_column("direction").unique().to_list()}
    resolved = valid.with_columns(
        # (Polars returns the text unchanged for an empty mapping: an empty file gets a typed null.)
        pl.col("direction").replace_strict(dir_map, return_dtype=pl.Int64).alias("direction_id")
        if dir_map
        else pl.lit(None, dtype=pl.Int64).alias("direction_id")
    )
    if "service" in provided:  # a service belongs to its direction
        pairs = resolved.select("direction_id", "service").unique()
        keys = pairs.with_columns(
            pl.Series(
                "service_id",
                [referential.service(d, v) for d, v in pairs.iter_rows()],
                dtype=pl.Int64,
            )
        )
        # (Joined on the key columns alone, here and below: joining the whole frame would copy every column.)
        service_ids = resolved.select("direction_id", "service").join(
            keys, on=["direction_id", "service"], how="left", maintain_order="left"
        )
        resolved = resolved.with_columns(service_ids.get_column("service_id"))
    if "site" in provided:  # a site is matched by its name alone; created under the first direction seen
        firsts = resolved.group_by("site", maintain_order=True).agg(pl.col("direction_id").first())
        keys = firsts.select(
            "site",
            pl.Series("site_id", [referential.site(v, d) for v, d in firsts.iter_rows()], dtype=pl.Int64),
        )
        site_ids = resolved.select("site").join(keys, on="site", how="left", maintain_order="left")
        resolved = resolved.with_columns(site_ids.get_column("site_id"))
    provided_cols = [c for c in COMPARED if c in resolved.columns]

    # HR managers are compared by key (`relais.agents.hr_managers.key_for`: "Sophie MARTIN" is "MARTIN
    # Sophie"), computed once per distinct value; the value as first written labels a new HR manager.
    hr_labels: dict[str, str] = {}
    if "hr_manager" in provided:
        values = resolved.select(pl.col("hr_manager").unique(maintain_order=True)).get_column("hr_manager").to_list()
        keys = {value: key_for(value) or None for value in values}
        hr_labels = {key: value.strip() for value, key in reversed(keys.items()) if key}
        resolved = resolved.with_columns(
            pl.col("hr_manager").replace_strict(keys, return_dtype=pl.String)
            if keys
            else pl.lit(None, dtype=pl.String).alias("hr_manager")
        )

    # Only rows already known are joined with the referential; new ones just get the defaults (a first
    # import of a million agents then carries no million-row column of nulls per field).
    known = pl.col("matricule").is_in(snapshot.get_column("matricule").implode())
    joined = resolved.filter(known).join(snapshot, on="matricule", how="left", suffix="_db")
    differs = {c: pl.col(c).ne_missing(pl.col(f"{c}_db")) for c in provided_cols}
    joined = joined.with_columns(
        pl.when(pl.any_horizontal(list(differs.values())) if differs else pl.lit(False))
        .then(pl.lit("updated"))
        .otherwise(pl.lit("unchanged"))
        .alias("change"),
        pl.concat_list([pl.when(expr).then(pl.lit(c)) for c, expr in differs.items()])
        .list.drop_nulls()
        .alias("changed_fields")
        if differs
        else pl.lit([], dtype=pl.List(pl.String)).alias("changed_fields"),
    )

    # Complete rows: file values for the columns it holds, the referential's (or defaults) for the rest.
    defaults = {
        c: ("" if SNAPSHOT_SCHEMA[c] == pl.String else None) for c in SNAPSHOT_SCHEMA if c not in ("id", "matricule")
    }
    complete = [
        pl.col(c).cast(SNAPSHOT_SCHEMA[c]) if c in provided_cols or default is None else pl.col(c).fill_null(default)
        for c, default in defaults.items()
    ]
    updated = joined.filter(pl.col("change") == "updated").select(
        "id", "matricule", *complete, "change", "changed_fields", LINE
    )
    fresh = resolved.filter(~known)
    new_rows = fresh.select(
        pl.lit(None, dtype=pl.Int64).alias("id"),
        "matricule",
        *[
            pl.col(c).cast(SNAPSHOT_SCHEMA[c]) if c in fresh.columns else pl.lit(d, dtype=SNAPSHOT_SCHEMA[c]).alias(c)
            for c, d in defaults.items()
        ],
        pl.lit("new").alias("change"),
        pl.lit([], dtype=pl.List(pl.String)).alias("changed_fields"),
        LINE,
    )
    del fresh, resolved
    changed = pl.concat([new_rows, updated])
    counts = {
        "new": new_rows.height,
        "updated": updated.height,
        "unchanged": int((joined["change"] == "unchanged").sum()),
        "rejected": int(rejections["line"].n_unique()),
    }

    leaving = pl.DataFrame(
        schema={
            "id": pl.Int64,
            "matricule": pl.String,
            "last_name": pl.String,
            "first_name": pl.String,
            "usage_name": pl.String,
        }
    )
    if full:
        present = file_matricules.str.strip_chars().implode()
        leaving = snapshot.filter(
            pl.col("exit_date").is_null()
            & (pl.col("entry_date").is_null() | (pl.col("entry_date") <= as_of))
            & ~pl.col("matricule").is_in(present)
        ).select("id", "matricule", "last_name", "first_name", "usage_name")
    counts["leaving"] = leaving.height

    examples = _examples(changed, leaving, joined)
    return AgentPlan(
        rows=changed,
        leaving=leaving,
        rejected=rejections.rows(),
        referential=referential,
        provided=provided_cols,
        counts=counts,
        examples={**examples, "created": referential.summary()},
        as_of=as_of,
        lines_total=lines_total,
        hr_labels=hr_labels,
        warnings=warnings.rows(),
    )


def _label(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _examples(changed: pl.DataFrame, leaving: pl.DataFrame, joined: pl.DataFrame) -> dict:
    new = [
        {"matricule": r["matricule"], "nom": f"{r['first_name']} {r['usage_name'] or r['last_name']}", "ligne": r[LINE]}
        for r in changed.filter(pl.col("change") == "new").head(EXAMPLES).iter_rows(named=True)
    ]
    updated = []
    sample = joined.filter(pl.col("change") == "updated").head(EXAMPLES)
    for r in sample.iter_rows(named=True):
        changes = []
        for c in r["changed_fields"]:
            old, new_value = r.get(f"{c}_db"), r.get(c)
            if c in FK_FIELDS:
                old, new_value = r.get(f"{c}_db"), r.get(c[:-3], new_value)
                old = _fk_label(c, old)
            changes.append({"champ": FIELD_LABELS.get(c, c), "avant": _label(old), "apres": _label(new_value)})
        updated.append(
            {
                "matricule": r["matricule"],
                "nom": f"{r['first_name']} {r['last_name']}",
                "ligne": r[LINE],
                "changements": changes,
            }
        )
    left = [
        {"matricule": r["matricule"], "nom": f"{r['first_name']} {r['usage_name'] or r['last_name']}"}
        for r in leaving.head(EXAMPLES).iter_rows(named=True)
    ]
    return {"new": new, "updated": updated, "leaving": left}


def _fk_label(field_name: str, pk: int | None) -> str:
    from relais.organisation.models import Direction, Service, Site

    if pk is None:
        return ""
    model = {"direction_id": Direction, "service_id": Service, "site_id": Site}[field_name]
    obj = model.objects.filter(pk=pk).first()
    return str(obj.name if field_name != "direction_id" else obj.code) if obj else ""


STAGE_COLUMNS = {
    "matricule": "text", "last_name": "text", "usage_name": "text", "first_name": "text", "grade": "text",
    "job_title": "text", "work_phone": "text", "work_email": "text", "category": "text", "filiere": "text",
    "statut": "text", "entry_date": "date", "exit_date": "date", "uses_computer": "boolean",
    "direction_id": "bigint", "service_id": "bigint", "site_id": "bigint", "hr_manager_id": "bigint",
    "search_text": "text",
    "journal_fields": "text", "public_id": "uuid",
}  # fmt: skip
STAGE = "imports_stage_agent"


def _upserted(provided: list[str]) -> list[str]:
    """The agents' columns the merge writes: all the stage's, but the HR manager only when the file has one."""
    skipped = {"journal_fields", "public_id"} | ({"hr_manager_id"} if "hr_manager" not in provided else set())
    return [c for c in STAGE_COLUMNS if c not in skipped]


def apply(agent_plan: AgentPlan, *, acting_user, run, progress: ProgressFn | None = None) -> dict[str, int]:
    """Write a plan; the caller holds the transaction. Returns the counts actually written.

    Staged rows are merged with one INSERT … ON CONFLICT (matricule) DO UPDATE … WHERE something
    changed; the journal entries of the agents written are inserted from the same stage.
    """
    from relais.journal.services import journal_record_rows, journal_record_select

    progress = progress or (lambda phase, done: None)
    progress("Écriture dans la base", agent_plan.lines_total)
    reference = str(run.public_id) if run is not None else ""
    real = agent_plan.referential.create_missing()
    rows = agent_plan.rows
    if real:
        rows = rows.with_columns([pl.col(c).replace(real) for c in FK_FIELDS if c in rows.columns])
    labels = {c: FIELD_LABELS.get(c, c) for c in COMPARED}
    rows = rows.with_columns(
        search_text=pl.concat_str(
            [
                fold_expr(
                    pl.concat_str([pl.col("usage_name"), pl.col("last_name"), pl.col("first_name")], separator=" ")
                ),
                fold_expr(pl.col("matricule")),
            ],
            separator=" ",
        ).str.strip_chars(" "),
        # For the journal: the changed fields of an update, as a JSON array of their French names.
        journal_fields=pl.when(pl.col("change") == "new")
        .then(None)
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("["),
                    pl.col("changed_fields")
                    .list.eval(sql.json_text(pl.element().replace_strict(labels, default=pl.element())))
                    .list.join(", "),
                    pl.lit("]"),
                ]
            )
        ),
    )
    managers: dict[str, object] = {}
    if "hr_manager" in agent_plan.provided:
        # Found or created before the agents are written, so that each row is inserted with its HR manager
        # (a second UPDATE of every row cost half of a first import on PostgreSQL: 3.0 s of 7.3 s per
        # 50,000 rows, every index written twice); matched to agents once they are written (below).
        managers = _hr_managers(agent_plan.hr_labels, acting_user=acting_user, reference=reference)
        ids = {key: getattr(managers.get(label), "pk", None) for key, label in agent_plan.hr_labels.items()}
        rows = rows.with_columns(
            pl.col("hr_manager").replace_strict(ids, default=None, return_dtype=pl.Int64).alias("hr_manager_id")
            if ids
            else pl.lit(None, dtype=pl.Int64).alias("hr_manager_id")
        )
    else:
        rows = rows.with_columns(hr_manager_id=pl.lit(None, dtype=pl.Int64))
    # Every row gets a new public id: only new agents keep it (an update never sets it), but the row is
    # checked as a whole before PostgreSQL finds the conflict. Made here: 0.03 s per 50,000 rows, 0.25 s in SQLite.
    # Sorted: the rows then reach the public id's index in its own order, each next to the last one written,
    # instead of a random page per row (still random ids, each one as unguessable).
    rows = rows.with_columns(public_id=sql.new_uuids(rows.height).sort())
    stage = rows.select(
        [pl.col(c).dt.strftime("%Y-%m-%d").alias(c) if c in DATE_FIELDS else pl.col(c) for c in STAGE_COLUMNS]
    )
    del rows
    agent_plan.rows = None  # the staged copy is all that is needed now: let the memory go
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    upserted = _upserted(agent_plan.provided)
    with connection.cursor() as cursor:
        sql.create_stage(cursor, STAGE, STAGE_COLUMNS)
        sql.load_stage(cursor, STAGE, stage, keys=("matricule",))
        del stage
        updates = ", ".join(f"{c} = excluded.{c}" for c in upserted if c != "matricule")
        guard = " OR ".join(sql.distinct(f"agents_agent.{c}", f"excluded.{c}") for c in upserted if c != "matricule")
        cursor.execute(
            f"INSERT INTO agents_agent (public_id, created_at, updated_at, {', '.join(upserted)}) "
            f"SELECT public_id, %s, %s, {', '.join(upserted)} FROM {STAGE} WHERE true "
            f"ON CONFLICT (matricule) DO UPDATE SET {updates}, updated_at = excluded.updated_at WHERE {guard}",
            [now, now],
        )
        if managers:
            # After the agents are written, so that an HR manager named in the file is matched to its agent.
            match_pending(managers.values())
        leaving_ids = agent_plan.leaving.get_column("id").to_list()
        as_of = connection.ops.adapt_datefield_value(agent_plan.as_of)
        for start in range(0, len(leaving_ids), 500):
            chunk = leaving_ids[start : start + 500]
            cursor.execute(
                f"UPDATE agents_agent SET exit_date = %s, updated_at = %s "
                f"WHERE exit_date IS NULL AND id IN ({', '.join(['%s'] * len(chunk))})",
                [as_of, now, *chunk],
            )
        progress("Journalisation", agent_plan.lines_total)
        journal_record_select(
            acting_user=acting_user,
            action="agent.import",
            model=Agent,
            select_sql=(
                f"SELECT a.id AS object_id, s.first_name || ' ' || CASE WHEN s.usage_name <> '' THEN s.usage_name "
                f"ELSE s.last_name END || ' (' || s.matricule || ')' AS object_repr, "
                f"CASE WHEN s.journal_fields IS NULL THEN %s ELSE %s || s.journal_fields || '}}' END AS payload "
                f"FROM {STAGE} s JOIN agents_agent a ON a.matricule = s.matricule"
            ),
            params=[
                f'{{"import": "{reference}", "changement": "création"}}',
                f'{{"import": "{reference}", "changement": "modification", "champs": ',
            ],
        )
        sql.drop_stage(cursor, STAGE)

    leaving_entries = agent_plan.leaving.select(
        "id",
        pl.concat_str(
            [
                pl.col("first_name"),
                pl.lit(" "),
                pl.when(pl.col("usage_name") != "").then(pl.col("usage_name")).otherwise(pl.col("last_name")),
                pl.lit(" ("),
                pl.col("matricule"),
                pl.lit(")"),
            ]
        ),
        pl.lit(
            f'{{"import": "{reference}", "changement": "départ", "date_de_sortie": "{agent_plan.as_of.isoformat()}"}}'
        ),
    )
    journal_record_rows(acting_user=acting_user, action="agent.import", model=Agent, rows=leaving_entries.iter_rows())
    return dict(agent_plan.counts)


def _hr_managers(labels: dict[str, str], *, acting_user, reference: str) -> dict:
    """{label: HR manager} for the file's HR managers, found or created by key (`hr_managers.resolve`, not
    matched yet); those this import created are journaled (they hold a person's name)."""
    from relais.agents.models import HRManager
    from relais.journal.services import journal_record_rows

    known = set(HRManager.objects.filter(key__in=list(labels)).values_list("pk", flat=True)) if labels else set()
    managers = resolve(labels.values(), match=False)
    created = {m.pk: m.label for m in managers.values() if m is not None and m.pk not in known}
    journal_record_rows(
        acting_user=acting_user,
        action="hr_manager.import",
        model=HRManager,
        rows=((pk, label, {"import": reference}) for pk, label in created.items()),
    )
    return managers
