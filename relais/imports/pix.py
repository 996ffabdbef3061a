"""Pix Orga campaign exports: profile collections and assessments, read as Pix Orga writes them.

Pix Orga (the organisations' side of Pix) exports one CSV per campaign: UTF-8 with a BOM, `;`, strings
double-quoted, numbers unquoted with a decimal comma, "NA" where a participation is not shared, "Oui" /
"Non", and a `'` before any text starting with `=`, `+`, `-` or `@` (removed here). Two generations:
- current: a "Code" column, "Parcours", dates `DD/MM/YYYY HH:mm` in headers ending "(Europe/Paris)";
- older: no "Code", "Nom du Profil Cible", "Date de l'envoi" / "Date du partage" as `YYYY-MM-DD`.
The kind is told by the headers: "Nombre de pix total" (profile collection: a level and pix per
competence) or "% maitrise de l'ensemble des acquis du profil" (assessment: a mastery rate per
competence and domain). One row is one participation; a person who sent several times has several rows,
all kept as history (`relais.skills`).

People are matched by the campaign's external id column (its label is the campaign's choice,
"Matricule", "Identifiant"…) against the matricule; otherwise, by first name, last name and direction,
only as a proposal that an administrator confirms on the import page (`relais.skills.views`), never
silently. Rows, not agents, are counted: `matched`, `unmatched`, `not_shared` (participations).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection

from relais.agents.models import Agent
from relais.imports import sql
from relais.imports.columns import forbidden_notice, header_key, is_forbidden
from relais.imports.parsers import fold_expr
from relais.imports.reading import LINE, ImportFileError, read_table
from relais.skills.crcn import APOSTROPHES, CODES_BY_KEY, DOMAIN_CODES_BY_KEY, competence_key
from relais.skills.enums import CampaignKind, MatchMethod

PARIS = "Europe/Paris"
NOT_AVAILABLE = "NA"
EXAMPLES = 50
# A date without a time (the older exports) is put at noon in Paris, so that it stays the same day in any zone.
DATE_ONLY_HOUR = 12

# Folded header (brackets dropped: "(Europe/Paris)", "(O/N)", "(/3)") -> canonical column.
COLUMNS = {
    "nom de l organisation": "organisation",
    "id campagne": "campaign_id",
    "code": "campaign_code",
    "nom de la campagne": "campaign_name",
    "parcours": "target_profile",
    "nom du profil cible": "target_profile",
    "nom du participant": "last_name",
    "prenom du participant": "first_name",
    "envoi": "shared",
    "partage": "shared",
    "date et heure de l envoi": "shared_at",
    "date de l envoi": "shared_at",
    "date et heure du partage": "shared_at",
    "date du partage": "shared_at",
    "date et heure de debut": "started_at",
    "date de debut": "started_at",
    "de progression": "progress",
    "nombre de pix total": "pix_total",
    "certifiable": "certifiable",
    "nombre de competences certifiables": "certifiable_count",
    "maitrise de l ensemble des acquis du profil": "mastery",
    # Extra columns an organisation may add to its participants (Pix Orga's own import of learners).
    "direction": "direction",
    "code direction": "direction",
    "sigle direction": "direction",
}
LABELS = {
    "campaign_id": "ID Campagne",
    "last_name": "Nom du Participant",
    "first_name": "Prénom du Participant",
    "shared": "Envoi (O/N) ou Partage (O/N)",
}
REQUIRED = ("campaign_id", "last_name", "first_name", "shared")
# Columns between the names and the results that are not the external id (school and university campaigns).
NOT_EXTERNAL_ID = frozenset({"classe", "groupe", "numero etudiant", "division"})
# The external id comes before the first of these.
AFTER_NAMES = frozenset({"shared", "shared_at", "started_at", "progress", "pix_total", "mastery"})
COMPETENCE_PATTERNS = [
    (re.compile(r"^niveau pour la competence (.+)$"), "level"),
    (re.compile(r"^nombre de pix pour la competence (.+)$"), "pix"),
    (re.compile(r"^de maitrise des acquis de la competence (.+)$"), "mastery"),
    (re.compile(r"^nombre d acquis du profil cible dans la competence (.+)$"), "targeted"),
    (re.compile(r"^acquis maitrises dans la competence (.+)$"), "validated"),
]
DOMAIN_PATTERN = re.compile(r"^de maitrise des acquis du domaine (.+)$")
OTHER_DOMAIN_PATTERN = re.compile(r"^(nombre d acquis du profil cible du domaine|acquis maitrises du domaine) ")
YES = ("oui", "o", "yes", "y", "true", "vrai", "1")
NO = ("non", "n", "no", "false", "faux", "0")
NOT_PIX_MESSAGE = (
    "Ce fichier n'est pas un export de campagne Pix Orga : il n'a ni la colonne « Nombre de pix total » "
    "(collecte de profils) ni la colonne « % maitrise de l'ensemble des acquis du profil » (évaluation). "
    "Dans Pix Orga, ouvrez la campagne, onglet « Résultats », et cliquez sur « Exporter les résultats »."
)


def unformula(text: str) -> str:
    """Pix writes `'` before a text starting with =, +, - or @ (so a spreadsheet never runs it): drop it."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text


def unformula_expr(expr: pl.Expr) -> pl.Expr:
    return pl.when(expr.str.contains(r"^'[=+\-@]")).then(expr.str.slice(1)).otherwise(expr)


def _key(header: str) -> str:
    return header_key(APOSTROPHES.sub(" ", unformula(header or "")))


@dataclass
class Layout:
    """What the headers of an export say: its kind, where each value is, what was left aside."""

    kind: str
    keep: dict[int, str]
    labels: dict[str, str]
    external_id_label: str = ""
    notices: list[str] = field(default_factory=list)


def layout(headers: list[str]) -> Layout:
    """Map an export's headers to canonical columns; ImportFileError (French) when it is not a Pix export."""
    keys = [_key(h) for h in headers]
    if "nombre de pix total" in keys:
        kind = CampaignKind.PROFILES
    elif "maitrise de l ensemble des acquis du profil" in keys:
        kind = CampaignKind.ASSESSMENT
    else:
        raise ImportFileError(NOT_PIX_MESSAGE)
    keep, labels, unknown, forbidden = {}, {}, [], []
    for index, (header, key) in enumerate(zip(headers, keys, strict=True)):
        if not key:
            continue
        if is_forbidden(header):
            forbidden.append(header)
            continue
        name = COLUMNS.get(key)
        if name is None:
            for pattern, measure in COMPETENCE_PATTERNS:
                if found := pattern.match(key):
                    code = CODES_BY_KEY.get(competence_key(found.group(1)))
                    if code is None:
                        unknown.append(unformula(header))
                    else:
                        name = f"c:{code}:{measure}"
                    break
            else:
                if found := DOMAIN_PATTERN.match(key):
                    code = DOMAIN_CODES_BY_KEY.get(competence_key(found.group(1)))
                    name = f"d:{code}:mastery" if code else None
        if name and name not in labels:
            keep[index], labels[name] = name, unformula(header)
    missing = [LABELS[n] for n in REQUIRED if n not in labels]
    if missing:
        names = ", ".join(f"« {m} »" for m in missing)
        plural = "s" if len(missing) > 1 else ""
        raise ImportFileError(
            f"Export Pix Orga incomplet : colonne{plural} absente{plural} : {names}. "
            "Exportez à nouveau les résultats de la campagne depuis Pix Orga, sans modifier le fichier."
        )
    out = Layout(kind=kind, keep=keep, labels=labels)
    # The external id: the campaign's own column, after the names and before the results (its label varies).
    first = keys.index(next(k for k, v in COLUMNS.items() if v == "first_name"))
    after = [i for i, c in keep.items() if c in AFTER_NAMES and i > first]
    stop = min(after) if after else len(headers)
    candidates = [
        i for i in range(first + 1, stop)
        if i not in keep and keys[i] and keys[i] not in NOT_EXTERNAL_ID and not is_forbidden(headers[i])
    ]  # fmt: skip
    if candidates:
        index = candidates[-1]
        keep[index] = "external_id"
        out.external_id_label = labels["external_id"] = unformula(headers[index]).strip()
    if forbidden:
        out.notices.append(forbidden_notice(forbidden))
    if unknown:
        out.notices.append(
            "Compétences absentes du référentiel CRCN, colonnes ignorées : "
            + ", ".join(f"« {h} »" for h in unknown)
            + "."
        )
    if not out.external_id_label:
        out.notices.append(
            "Cette campagne ne demande pas d'identifiant externe (matricule) : les participants ne peuvent être "
            "rapprochés des agents que par leur nom, avec votre confirmation."
        )
    return out


def read(data: bytes | Path) -> tuple[pl.DataFrame, dict, list[str], list[list]]:
    """Read an export: its rows in canonical text columns, options (kind, labels, format), notices, read errors."""
    holder: dict = {}

    def select(headers: list[str]) -> dict[int, str]:
        holder["layout"] = found = layout(headers)
        return found.keep

    table = read_table(data, select)
    found: Layout = holder["layout"]
    frame = table.frame
    if frame.height == 0 and not table.read_errors:
        raise ImportFileError("L'export ne contient aucune participation sous la ligne d'en-tête.")
    frame = frame.with_columns(unformula_expr(pl.col(c)).alias(c) for c in frame.columns if c != LINE)
    options = {
        "pix_kind": found.kind,
        "format": table.description,
        "columns": found.labels,
        "external_id_label": found.external_id_label,
        "source": "pix",
        "ignored_columns": [h for i, h in enumerate(table.headers) if h and i not in found.keep],
    }
    return frame, options, found.notices, table.read_errors


# --- Values ---------------------------------------------------------------------------------------------


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name).fill_null("").str.strip_chars() if name in frame.columns else pl.lit("", dtype=pl.String)


def _absent(text: pl.Expr) -> pl.Expr:
    return (text == "") | (text.str.to_uppercase() == NOT_AVAILABLE)


def _number(text: pl.Expr) -> pl.Expr:
    cleaned = text.str.replace_all(r"[\s\u00a0\u202f%]", "").str.replace(",", ".", literal=True)
    return pl.when(_absent(text)).then(None).otherwise(cleaned.cast(pl.Float64, strict=False))


def _datetime(text: pl.Expr) -> pl.Expr:
    """`DD/MM/YYYY HH:mm` (Europe/Paris) or `YYYY-MM-DD` (older exports) → an aware datetime in UTC."""
    with_time = pl.coalesce(
        text.str.strptime(pl.Datetime("us"), "%d/%m/%Y %H:%M", strict=False),
        text.str.strptime(pl.Datetime("us"), "%d/%m/%Y %H:%M:%S", strict=False),
        text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False),
        text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M", strict=False),
    )
    day = pl.coalesce(
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False), text.str.strptime(pl.Date, "%d/%m/%Y", strict=False)
    )
    local = pl.coalesce(with_time, day.cast(pl.Datetime("us")) + pl.duration(hours=DATE_ONLY_HOUR))
    return local.dt.replace_time_zone(PARIS, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC")


@dataclass
class Check:
    """Rejections gathered column by column: [line, column, value, reason]."""

    frame: pl.DataFrame
    parts: list[pl.DataFrame] = field(default_factory=list)

    def add(self, name: str, bad: pl.Expr, reason: str) -> None:
        if name not in self.frame.columns:
            return
        self.parts.append(
            self.frame.filter(bad.fill_null(False)).select(
                pl.col(LINE).alias("line"),
                pl.lit(name).alias("field"),
                pl.col(name).str.slice(0, 200).alias("value"),
                pl.lit(reason).alias("reason"),
            )
        )

    def result(self) -> pl.DataFrame:
        empty = pl.DataFrame(schema={"line": pl.Int64, "field": pl.String, "value": pl.String, "reason": pl.String})
        return pl.concat([empty, *self.parts]).sort("line", "field")


def _out_of(typed: pl.DataFrame, name: str, bad: pl.Expr) -> pl.Expr:
    """Whether a line's parsed number breaks a rule, as an expression on the text frame (to show its text)."""
    lines = typed.filter(bad.fill_null(False))[LINE].implode()
    return pl.col(LINE).is_in(lines)


def normalise(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Typed participations, their competence results (long), and rejections [line, field, value, reason]."""
    check = Check(frame)
    shared_text = fold_expr(_text(frame, "shared"))
    shared = pl.when(shared_text.is_in(YES)).then(True).when(shared_text.is_in(NO)).then(False)
    check.add("shared", shared.is_null(), "Valeur attendue : « Oui » ou « Non ».")
    campaign_id = _text(frame, "campaign_id").cast(pl.Int64, strict=False)
    check.add("campaign_id", campaign_id.is_null(), "L'identifiant de la campagne doit être un nombre entier.")
    for name in ("shared_at", "started_at"):
        check.add(
            name,
            ~_absent(_text(frame, name)) & _datetime(_text(frame, name)).is_null(),
            "Date illisible (JJ/MM/AAAA HH:MM ou AAAA-MM-JJ attendu).",
        )
    numbers = {}
    for name in frame.columns:
        if name in ("progress", "pix_total", "certifiable_count", "mastery") or name.startswith(("c:", "d:")):
            value = _number(_text(frame, name))
            check.add(name, ~_absent(_text(frame, name)) & value.is_null(), "Nombre illisible.")
            numbers[name] = value
    ratio_columns = [c for c in numbers if c in ("progress", "mastery") or c.endswith(":mastery")]
    typed_numbers = frame.select(LINE, *[v.alias(k) for k, v in numbers.items()])
    # A share is written 0,67 by Pix; were a column written in percent (67), every value of it is divided.
    for name in ratio_columns:
        if (typed_numbers[name].max() or 0) > 1:
            typed_numbers = typed_numbers.with_columns(pl.col(name) / 100)
        check.add(name, _out_of(typed_numbers, name, ~pl.col(name).is_between(0, 1)), "Taux hors de 0 à 100 %.")
    for name in numbers:
        if name.endswith(":level"):
            bad = ~pl.col(name).is_between(0, 8) | (pl.col(name) != pl.col(name).round(0))
            reason = "Niveau attendu : un nombre entier de 0 à 8."
        elif (
            name.endswith(":pix")
            or name in ("pix_total", "certifiable_count")
            or name.endswith(("targeted", "validated"))
        ):
            bad = (pl.col(name) < 0) | (pl.col(name) != pl.col(name).round(0))
            reason = "Nombre entier positif attendu."
        else:
            continue
        check.add(name, _out_of(typed_numbers, name, bad), reason)
    last, first, external = _text(frame, "last_name"), _text(frame, "first_name"), _text(frame, "external_id")
    certifiable = fold_expr(_text(frame, "certifiable"))
    typed = frame.select(
        pl.col(LINE),
        campaign_id.alias("campaign_id"),
        _text(frame, "campaign_code").alias("campaign_code"),
        _text(frame, "campaign_name").alias("campaign_name"),
        _text(frame, "organisation").alias("organisation"),
        _text(frame, "target_profile").alias("target_profile"),
        last.alias("last_name"),
        first.alias("first_name"),
        external.alias("external_id"),
        _text(frame, "direction").alias("direction"),
        shared.alias("is_shared"),
        pl.when(_absent(_text(frame, "shared_at")))
        .then(None)
        .otherwise(_datetime(_text(frame, "shared_at")))
        .alias("shared_at"),
        pl.when(_absent(_text(frame, "started_at")))
        .then(None)
        .otherwise(_datetime(_text(frame, "started_at")))
        .alias("started_at"),
        pl.when(certifiable.is_in(YES)).then(True).when(certifiable.is_in(NO)).then(False).alias("is_certifiable"),
        pl.when(external != "")
        .then(external.str.to_uppercase())
        .otherwise(pl.lit("nom:") + fold_expr(last) + pl.lit("|") + fold_expr(first))
        .alias("person_key"),
    ).join(typed_numbers, on=LINE, how="left")
    nameless = typed.filter((pl.col("last_name") == "") & (pl.col("first_name") == "") & (pl.col("external_id") == ""))
    check.parts.append(
        nameless.select(
            pl.col(LINE).alias("line"),
            pl.lit("").alias("field"),
            pl.lit("").alias("value"),
            pl.lit("Participation sans nom ni identifiant.").alias("reason"),
        )
    )
    typed = typed.with_columns(
        pl.when(pl.col("is_shared") & pl.col("shared_at").is_not_null())
        .then(pl.col("shared_at").dt.strftime("%Y-%m-%dT%H:%M"))
        .when(pl.col("is_shared"))
        .then(pl.lit("partagee-sans-date"))
        .otherwise(pl.lit(""))
        .alias("sending_key")
    )
    # The same sending twice in one file: the first line counts, the others are rejected, naming it.
    first_line = pl.col(LINE).min().over("campaign_id", "person_key", "sending_key")
    duplicates = typed.filter(pl.col(LINE) != first_line).with_columns(first_line.alias("_first"))
    check.parts.append(
        duplicates.select(
            pl.col(LINE).alias("line"),
            pl.lit("").alias("field"),
            pl.col("external_id").alias("value"),
            pl.format("Participation en double : la même personne, le même envoi qu'à la ligne {}.", "_first").alias(
                "reason"
            ),
        )
    )
    rejections = check.result()
    valid = typed.filter(~pl.col(LINE).is_in(rejections["line"].implode()))
    competence_columns = [c for c in valid.columns if c.startswith("c:")]
    if competence_columns:
        long = valid.select(LINE, *competence_columns).unpivot(index=LINE, variable_name="column", value_name="value")
        parts = long.with_columns(
            pl.col("column").str.split(":").list.get(1).alias("code"),
            pl.col("column").str.split(":").list.get(2).alias("measure"),
        )
        results = parts.pivot(on="measure", index=[LINE, "code"], values="value", aggregate_function="first").sort(
            LINE, "code"
        )
    else:
        results = pl.DataFrame(schema={LINE: pl.Int64, "code": pl.String})
    for measure in ("level", "pix", "mastery", "targeted", "validated"):
        if measure not in results.columns:
            results = results.with_columns(pl.lit(None, dtype=pl.Float64).alias(measure))
    return valid, results, rejections


# --- Plan and apply -----------------------------------------------------------------------------------------


@dataclass
class PixPlan:
    rows: pl.DataFrame  # one per valid participation, with agent_id, match_method, existing_id
    results: pl.DataFrame  # one per participation and competence
    rejected: list[list]
    counts: dict[str, int]
    examples: dict
    notices: list[str]
    kind: str
    stale_ids: list[int] = field(default_factory=list)


def _agents() -> pl.DataFrame:
    with connection.cursor() as cursor:
        query = Agent.objects.order_by().values_list(
            "id", "matricule", "last_name", "usage_name", "first_name", "direction_id", "direction__code",
            "direction__name",
        ).query  # fmt: skip
        return sql.fetch_frame(
            cursor,
            *query.sql_with_params(),
            {
                "agent_id": pl.Int64,
                "matricule": pl.String,
                "last_name": pl.String,
                "usage_name": pl.String,
                "first_name": pl.String,
                "direction_id": pl.Int64,
                "direction_code": pl.String,
                "direction_name": pl.String,
            },
        )


def _existing(campaign_ids: list[int]) -> pl.DataFrame:
    from relais.skills.models import PixParticipation

    rows = PixParticipation.objects.filter(campaign__pix_id__in=campaign_ids).values_list(
        "id", "campaign__pix_id", "person_key", "sending_key", "agent_id"
    )
    return pl.DataFrame(
        list(rows),
        schema={
            "existing_id": pl.Int64,
            "campaign_id": pl.Int64,
            "person_key": pl.String,
            "sending_key": pl.String,
            "existing_agent_id": pl.Int64,
        },
        orient="row",
    )


def _direction_ids(agents: pl.DataFrame) -> pl.DataFrame:
    """Folded direction text (code or name, as the file or the administrator gives it) -> direction id."""
    keyed = pl.concat(
        [
            agents.select(fold_expr(pl.col("direction_code")).alias("direction_key"), "direction_id"),
            agents.select(fold_expr(pl.col("direction_name")).alias("direction_key"), "direction_id"),
        ]
    ).unique()
    return keyed.filter(pl.col("direction_id").n_unique().over("direction_key") == 1).unique("direction_key")


def plan(frame: pl.DataFrame, *, options: dict, progress: Callable[[str, int], None] | None = None) -> PixPlan:
    """Match an export's participations to agents and tell what importing it would add.

    `options["direction_id"]`: the campaign's direction, chosen on the page, for name proposals when the file
    has no direction column; `options["confirmed"]`: [[line, agent id], …] proposals the administrator confirmed.
    """
    progress = progress or (lambda phase, done: None)
    kind = options.get("pix_kind") or CampaignKind.PROFILES
    progress("Contrôle des lignes", 0)
    valid, results, rejections = normalise(frame)
    progress("Rapprochement avec les agents", frame.height // 2)
    agents = _agents()
    by_matricule = (
        agents.select(pl.col("matricule").str.strip_chars().str.to_uppercase().alias("external_key"), "agent_id")
        .filter(pl.col("agent_id").n_unique().over("external_key") == 1)
        .unique("external_key")
    )
    rows = valid.with_columns(pl.col("external_id").str.to_uppercase().alias("external_key")).join(
        by_matricule.rename({"agent_id": "_by_id"}), on="external_key", how="left"
    )
    # Name proposals: same first name and last (or usage) name, in the row's direction, one agent only.
    directions = _direction_ids(agents)
    rows = rows.with_columns(fold_expr(pl.col("direction")).alias("direction_key")).join(
        directions.rename({"direction_id": "_row_direction"}), on="direction_key", how="left"
    )
    chosen_direction = options.get("direction_id")
    rows = rows.with_columns(
        pl.coalesce("_row_direction", pl.lit(chosen_direction, dtype=pl.Int64)).alias("_direction"),
        (fold_expr(pl.col("last_name")) + pl.lit("|") + fold_expr(pl.col("first_name"))).alias("_names"),
    )

    def names_of(last: str) -> pl.Expr:
        return (fold_expr(pl.col(last)) + pl.lit("|") + fold_expr(pl.col("first_name"))).alias("_names")

    named = pl.concat(
        [
            agents.select(names_of("last_name"), "direction_id", "agent_id"),
            agents.filter(pl.col("usage_name") != "").select(names_of("usage_name"), "direction_id", "agent_id"),
        ]
    ).unique()
    named = named.filter(pl.col("agent_id").n_unique().over("_names", "direction_id") == 1).unique(
        ["_names", "direction_id"]
    )
    rows = rows.join(
        named.rename({"direction_id": "_direction", "agent_id": "_proposed"}), on=["_names", "_direction"], how="left"
    )
    campaign_ids = rows["campaign_id"].unique().drop_nulls().to_list()
    existing = _existing(campaign_ids)
    # A person already attached in this campaign (by an earlier confirmation) stays attached: the same names in
    # the same campaign, one agent. Shown in the report, never re-proposed.
    remembered = (
        existing.filter(pl.col("existing_agent_id").is_not_null())
        .group_by("campaign_id", "person_key")
        .agg(pl.col("existing_agent_id").unique())
        .filter(pl.col("existing_agent_id").list.len() == 1)
        .select("campaign_id", "person_key", pl.col("existing_agent_id").list.first().alias("_remembered"))
    )
    rows = rows.join(remembered, on=["campaign_id", "person_key"], how="left").with_columns(
        pl.when(pl.col("_by_id").is_null() & pl.col("_remembered").is_null())
        .then(pl.col("_proposed"))
        .alias("_proposed"),
        pl.when(pl.col("_by_id").is_null()).then(pl.col("_remembered")).alias("_remembered"),
    )
    confirmed = {(int(line), int(agent)) for line, agent in options.get("confirmed") or []}
    rows = rows.with_columns(
        pl.struct(LINE, "_proposed")
        .map_elements(lambda r: (r[LINE], r["_proposed"]) in confirmed, return_dtype=pl.Boolean)
        .fill_null(False)
        .alias("_confirmed")
        if confirmed
        else pl.lit(False).alias("_confirmed")
    )
    rows = rows.with_columns(
        pl.coalesce("_by_id", "_remembered", pl.when(pl.col("_confirmed")).then(pl.col("_proposed"))).alias("agent_id"),
        pl.when(pl.col("_by_id").is_not_null())
        .then(pl.lit(MatchMethod.EXTERNAL_ID.value))
        .when(pl.col("_confirmed") | pl.col("_remembered").is_not_null())
        .then(pl.lit(MatchMethod.NAMES.value))
        .otherwise(pl.lit(""))
        .alias("match_method"),
    )
    rows = rows.join(existing, on=["campaign_id", "person_key", "sending_key"], how="left").sort(LINE)
    # An unshared participation of a person who has since sent it: the row in progress is gone from Pix Orga.
    in_file = rows.select("campaign_id", "person_key").unique()
    stale = existing.filter(pl.col("sending_key") == "").join(in_file, on=["campaign_id", "person_key"], how="semi")
    stale = stale.join(rows.filter(pl.col("sending_key") == "").select("campaign_id", "person_key"),
                       on=["campaign_id", "person_key"], how="anti")  # fmt: skip

    new = rows.filter(pl.col("existing_id").is_null())
    newly_matched = rows.filter(
        pl.col("existing_id").is_not_null() & pl.col("agent_id").is_not_null() & pl.col("existing_agent_id").is_null()
    )
    matched = rows.filter(pl.col("agent_id").is_not_null())
    unmatched = rows.filter(pl.col("agent_id").is_null())
    counts = {
        "new": new.height,
        "updated": newly_matched.height,
        "unchanged": rows.height - new.height - newly_matched.height,
        "unmatched": unmatched.height,
        "leaving": 0,
        "matched": matched.height,
        "not_shared": int((~rows["is_shared"]).sum()) if rows.height else 0,
        "rejected": int(rejections["line"].n_unique()),
    }
    agent_text = agents.select(
        "agent_id",
        pl.format("{} {} ({})", "first_name", pl.when(pl.col("usage_name") != "").then("usage_name").otherwise(
            "last_name"), "matricule").alias("_agent_text"),
        "direction_code",
    )  # fmt: skip
    proposals = (
        rows.filter(pl.col("_proposed").is_not_null() & pl.col("_by_id").is_null())
        .join(agent_text.rename({"agent_id": "_proposed"}), on="_proposed", how="left")
        .head(1000)
    )
    examples = {
        "pix": {
            "kind": CampaignKind(kind).label,
            "external_id_label": options.get("external_id_label", ""),
            "matched": counts["matched"],
            "unmatched": counts["unmatched"],
            "not_shared": counts["not_shared"],
            "campaigns": [
                {"pix_id": r["campaign_id"], "name": r["campaign_name"], "code": r["campaign_code"]}
                for r in rows.unique("campaign_id", keep="first").sort("campaign_id").iter_rows(named=True)
            ],
            "proposals": [
                {
                    "line": r[LINE],
                    "agent_id": r["_proposed"],
                    "agent": r["_agent_text"],
                    "direction": r["direction_code"],
                    "file": f"{r['first_name']} {r['last_name']}".strip(),
                    "external_id": r["external_id"],
                    "confirmed": r["_confirmed"],
                }
                for r in proposals.iter_rows(named=True)
            ],
        },
        "report_counts": [
            ["Participations nouvelles", counts["new"]],
            ["Participations désormais rapprochées d'un agent", counts["updated"]],
            ["Déjà connues (inchangées)", counts["unchanged"]],
            ["Participations rapprochées d'un agent", counts["matched"]],
            ["Participations non rapprochées", counts["unmatched"]],
            ["Participations non partagées (résultats « NA »)", counts["not_shared"]],
            ["Lignes rejetées", counts["rejected"]],
        ],
        "unmatched": [
            [r[LINE], r["external_id"] or f"{r['first_name']} {r['last_name']}".strip()]
            for r in unmatched.head(1000).iter_rows(named=True)
        ],
    }
    notices = []
    kept = rows.filter(pl.col("_remembered").is_not_null()).height
    if kept:
        notices.append(
            f"{kept} participation(s) rattachée(s) comme lors d'un import précédent de la campagne (même personne, "
            "rapprochement déjà confirmé)."
        )
    if proposals.height:
        pending = proposals.filter(~pl.col("_confirmed")).height
        if pending:
            notices.append(
                f"{pending} participation(s) correspondent à un agent par le nom, le prénom et la direction : "
                "elles ne sont rattachées qu'après votre confirmation, sur la page de l'import."
            )
    labels = options.get("columns", {})
    rejected = [[line, _label(col, labels), value, reason] for line, col, value, reason in rejections.rows()]
    return PixPlan(
        rows=rows,
        results=results,
        rejected=rejected,
        counts=counts,
        examples=examples,
        notices=notices,
        kind=kind,
        stale_ids=stale["existing_id"].to_list(),
    )


def _label(column: str, labels: dict[str, str]) -> str:
    return labels.get(column, column)


def apply(result: PixPlan, *, acting_user, run) -> None:
    """Write campaigns, new participations and their results, new matches; the caller holds the transaction."""
    from relais.journal.services import journal_record_rows
    from relais.skills.models import Competence, PixCampaign, PixCompetenceResult, PixParticipation

    rows = result.rows
    if rows.height == 0 and not result.stale_ids:
        return
    reference = f"import:{run.public_id}"[:64] if run is not None else "import"
    campaigns = {}
    for r in rows.unique("campaign_id", keep="first").iter_rows(named=True):
        campaign, _ = PixCampaign.objects.get_or_create(
            pix_id=r["campaign_id"],
            defaults={"name": r["campaign_name"] or f"Campagne {r['campaign_id']}", "kind": result.kind},
        )
        changed = {
            name: value
            for name, value in (
                ("name", r["campaign_name"]),
                ("code", r["campaign_code"]),
                ("organisation", r["organisation"]),
                ("target_profile", r["target_profile"]),
                ("external_id_label", (run.options or {}).get("external_id_label", "") if run else ""),
            )
            if value and getattr(campaign, name) != value
        }
        if changed:
            PixCampaign.objects.filter(pk=campaign.pk).update(**changed)
        campaigns[r["campaign_id"]] = campaign.pk
    if result.stale_ids:
        PixParticipation.objects.filter(pk__in=result.stale_ids).delete()
    new = rows.filter(pl.col("existing_id").is_null())

    def number(value, integer=False):
        return None if value is None else (int(round(value)) if integer else float(value))

    domain_columns = [c for c in rows.columns if c.startswith("d:")]
    objects = [
        PixParticipation(
            campaign_id=campaigns[r["campaign_id"]],
            agent_id=r["agent_id"],
            match_method=r["match_method"],
            external_id=r["external_id"][:255],
            last_name=r["last_name"][:255],
            first_name=r["first_name"][:255],
            person_key=r["person_key"][:255],
            sending_key=r["sending_key"],
            is_shared=r["is_shared"],
            shared_at=r["shared_at"],
            started_at=r["started_at"],
            progress=number(r.get("progress")),
            pix_total=number(r.get("pix_total"), True),
            is_certifiable=r["is_certifiable"],
            certifiable_competences=number(r.get("certifiable_count"), True),
            mastery=number(r.get("mastery")),
            domain_mastery={c.split(":")[1]: r[c] for c in domain_columns if r[c] is not None},
            import_reference=reference,
        )
        for r in new.iter_rows(named=True)
    ]
    PixParticipation.objects.bulk_create(objects, batch_size=1000)
    ids = {
        (campaign_id, person, sending): pk
        for pk, campaign_id, person, sending in PixParticipation.objects.filter(import_reference=reference).values_list(
            "pk", "campaign__pix_id", "person_key", "sending_key"
        )
    }
    line_ids = {r[LINE]: ids[(r["campaign_id"], r["person_key"], r["sending_key"])] for r in new.iter_rows(named=True)}
    # Results straight into their table, set-based (16 per participation: 160,000 rows for a city campaign).
    competences = pl.DataFrame(
        list(Competence.objects.values_list("code", "pk")), schema={"code": pl.String, "competence_id": pl.Int64},
        orient="row",
    )  # fmt: skip
    participation_ids = pl.DataFrame(
        {LINE: list(line_ids), "participation_id": list(line_ids.values())}, schema={LINE: pl.Int64,
        "participation_id": pl.Int64},
    )  # fmt: skip
    whole = [pl.col(m).round(0).cast(pl.Int64).alias(c) for m, c in (("level", "level"), ("pix", "pix"),
             ("targeted", "skills_targeted"), ("validated", "skills_validated"))]  # fmt: skip
    measured = (
        result.results.filter(pl.any_horizontal(pl.col(m).is_not_null() for m in ("level", "pix", "mastery")))
        .join(participation_ids, on=LINE)
        .join(competences, on="code")
        .select("participation_id", "competence_id", *whole, pl.col("mastery").cast(pl.Float64))
    )
    with connection.cursor() as cursor:
        sql.load_stage(cursor, PixCompetenceResult._meta.db_table, measured, keys=("participation_id",))
    newly_matched = rows.filter(
        pl.col("existing_id").is_not_null() & pl.col("agent_id").is_not_null() & pl.col("existing_agent_id").is_null()
    )
    for r in newly_matched.iter_rows(named=True):
        PixParticipation.objects.filter(pk=r["existing_id"]).update(
            agent_id=r["agent_id"], match_method=r["match_method"]
        )
    journaled = (LINE, "agent_id", "match_method", "campaign_id", "is_shared")
    attached = pl.concat([new.select(journaled), newly_matched.select(journaled)])
    attached = attached.filter(pl.col("agent_id").is_not_null())
    matricules = dict(Agent.objects.filter(pk__in=attached["agent_id"].to_list()).values_list("pk", "matricule"))
    journal_record_rows(
        acting_user=acting_user,
        action="skills.pix_participation",
        model=Agent,
        rows=(
            (
                r["agent_id"],
                matricules.get(r["agent_id"], ""),
                {
                    "campagne": r["campaign_id"],
                    "ligne": r[LINE],
                    "rapprochement": r["match_method"],
                    "partagee": r["is_shared"],
                    "import": str(run.public_id) if run is not None else "",
                },
            )
            for r in attached.iter_rows(named=True)
        ),
    )


__all__ = ["apply", "layout", "normalise", "plan", "read", "unformula"]
