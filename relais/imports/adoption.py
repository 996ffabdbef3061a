# ruff: noqa: S608 - SQL here is assembled from constant identifiers; values always go as parameters.
"""Adoption reports (Microsoft 365, Active Directory / LDAP, Google Workspace, Zimbra, generic CSV).

Each row becomes a dated observation (source, as-of date) on the account of the agent it matches:
by matricule / employee id, else e-mail address, else user principal name, else login. Unmatched
rows are listed, never guessed. Re-importing a report adds nothing (one observation per account,
source and day). Column names and value conventions: DOMAIN.md §4.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection
from django.utils import timezone

from relais.adoption.enums import Source
from relais.adoption.models import Observation, Tool, ToolAccount
from relais.agents.models import Agent
from relais.imports import sql
from relais.imports.columns import (
    GENERIC_ADOPTION_FIELDS,
    ColumnMapping,
    FieldSpec,
    custom_aliases,
    header_key,
    match_headers,
)
from relais.imports.enums import ImportKind
from relais.imports.parsers import bool_expr, contradicting_date_message, date_column
from relais.imports.reading import LINE, ImportFileError, read_table

IDENTIFIERS = ("employee_id", "email", "upn", "login")
EXAMPLES = 10
UNMATCHED_KEPT = 1000
NEVER_WORDS = ("never logged in", "never", "jamais", "aucune", "0", "9223372036854775807")

# Folded header -> canonical column, per source (only what Relais uses; other columns are ignored).
SOURCE_COLUMNS: dict[str, dict[str, str]] = {
    Source.M365: {
        "report refresh date": "refresh_date",
        "user principal name": "upn",
        "is deleted": "is_deleted",
        "last activity date": "last_activity_on",
        "exchange last activity date": "last_activity_on",
        "created date": "provisioned_on",
        "exchange license assign date": "provisioned_on",
    },
    Source.ACTIVE_DIRECTORY: {
        "employeeid": "employee_id",
        "employeenumber": "employee_number",
        "mail": "email",
        "proxyaddresses": "proxy_addresses",
        "userprincipalname": "upn",
        "samaccountname": "login",
        "whencreated": "provisioned_on",
        # The readable names `Get-ADUser -Properties *` writes beside (or instead of) the LDAP ones.
        "emailaddress": "email",
        "created": "provisioned_on",
        "lastlogondate": "last_logon_date",
        "lastlogontimestamp": "last_activity_on",
        "lastlogon": "last_logon",
        "pwdlastset": "pwd_last_set",
        "useraccountcontrol": "uac",
        "enabled": "enabled",
    },
    Source.GOOGLE: {
        "email address": "email",
        "employee id": "employee_id",
        "status": "account_status",
        "last sign in": "last_activity_on",
    },
    Source.ZIMBRA: {
        "zimbramaildeliveryaddress": "email",
        "mail": "email_alt",
        "name": "email_name",
        "employeenumber": "employee_id",
        "zimbralastlogontimestamp": "last_activity_on",
        "zimbracreatetimestamp": "provisioned_on",
        "zimbraaccountstatus": "account_status",
        "zimbrapasswordmustchange": "password_must_change",
    },
}
# Columns each source's exports carry that Relais knows and does not use: ignored with certainty (no
# mapping step for them), and listed among the ignored columns.
KNOWN_UNUSED: dict[str, frozenset[str]] = {
    Source.M365: frozenset({
        "display name", "deleted date", "send count", "receive count", "read count", "meeting created count",
        "meeting interacted count", "assigned products", "report period", "item count", "storage used",
        "issue warning quota", "prohibit send quota", "prohibit send receive quota", "deleted item count",
        "deleted item size", "deleted item quota", "has archive", "recipient type", "is inactive mailbox",
    }),
    Source.ACTIVE_DIRECTORY: frozenset({
        "distinguishedname", "givenname", "surname", "name", "objectclass", "objectguid", "sid", "cn",
        "displayname", "department", "title", "company", "description",
    }),
    Source.GOOGLE: frozenset({"first name", "last name", "org unit path", "2sv enrolled", "2sv enforced",
                              "recovery email", "recovery phone", "new primary email"}),
}  # fmt: skip
SOURCE_LABELS = dict(Source.choices)
IMPORTABLE_SOURCES = (Source.M365, Source.ACTIVE_DIRECTORY, Source.GOOGLE, Source.ZIMBRA, Source.GENERIC)
COLUMN_LABELS = {
    "employee_id": "identifiant",
    "email": "adresse",
    "upn": "UPN",
    "login": "identifiant de connexion",
    "provisioned_on": "créé le",
    "first_sign_in_on": "première connexion",
    "last_activity_on": "dernière activité",
    "last_logon": "lastLogon",
    "is_disabled": "désactivé",
    "uac": "userAccountControl",
}
# Canonical columns that say something about an account (without one, a report only lists people).
FACT_COLUMNS = frozenset(
    {"provisioned_on", "first_sign_in_on", "last_activity_on", "last_logon", "last_logon_date", "is_disabled",
     "is_deleted", "uac", "enabled", "account_status", "pwd_last_set", "password_last_set", "password_must_change"}
)  # fmt: skip
# Folded headers that tell other kinds of file apart, to name what a file without adoption facts looks like.
PIX_HEADERS = ("nombre de pix total", "certificable", "nom du participant", "prenom du participant", "date de l envoi")
HR_HEADERS = ("nom", "prenom", "direction", "grade", "date d entree", "service", "categorie", "statut")
CONCEALED_UPN = r"^[0-9A-Fa-f]{32}$"
CONCEALED_MESSAGE = (
    "Ce rapport Microsoft 365 masque les noms des utilisateurs (les UPN sont des codes opaques) : aucune ligne "
    "ne peut être rapprochée d'un agent, rien n'a été importé. Dans le centre d'administration Microsoft 365, "
    "désactivez « Afficher des noms d'utilisateur, de groupe et de site masqués dans tous les rapports » "
    "(Paramètres > Paramètres de l'organisation > Rapports), puis exportez le rapport à nouveau."
)


def detect_source(headers: list[str]) -> str:
    """The source of a report from its header names (folded)."""
    keys = {header_key(h) for h in headers}
    if "report refresh date" in keys or (
        "user principal name" in keys and keys & {"last activity date", "exchange last activity date"}
    ):
        return Source.M365
    if keys & {"useraccountcontrol", "lastlogontimestamp", "pwdlastset", "samaccountname", "whencreated",
               "lastlogondate", "emailaddress"}:  # fmt: skip
        return Source.ACTIVE_DIRECTORY
    if any(k.startswith("zimbra") for k in keys):
        return Source.ZIMBRA
    if "email address" in keys and keys & {"last sign in", "status"}:
        return Source.GOOGLE
    return Source.GENERIC


def no_fact_message(headers: list[str]) -> str:
    """Why a report without any creation, sign-in, activity or status column is refused, naming what it looks like."""
    keys = {header_key(h): h for h in headers if h}
    pix = [keys[k] for k in PIX_HEADERS if k in keys]
    hr = [keys[k] for k in HR_HEADERS if k in keys]
    quoted = ", ".join(f"« {h} »" for h in (pix or hr or list(keys.values()))[:3])
    if pix:
        looks = (
            f"Ce fichier ressemble à un export de campagne Pix Orga (colonnes {quoted}, …) ; importez-le comme "
            "« Export de campagne Pix Orga »"
        )
    elif len(hr) >= 2:
        looks = f"Ce fichier ressemble à une extraction RH (colonnes {quoted}, …) ; importez-la comme liste d'agents"
    else:
        looks = f"Ce fichier (colonnes {quoted}, …) n'a aucune colonne de création, de connexion, d'activité ou d'état"
    return (
        f"{looks} : il ne dit rien des comptes de messagerie. Aucun compte n'a été créé. Un rapport d'adoption "
        "doit avoir au moins une colonne de création, de connexion, d'activité ou d'état du compte."
    )


# French labels of the canonical columns, for the mapping step and the reports.
CANONICAL_LABELS = {
    **COLUMN_LABELS,
    "refresh_date": "date d'actualisation du rapport",
    "is_deleted": "supprimé",
    "employee_number": "employeeNumber",
    "proxy_addresses": "proxyAddresses",
    "last_logon_date": "dernière connexion (LastLogonDate)",
    "pwd_last_set": "pwdLastSet",
    "enabled": "actif (Enabled)",
    "account_status": "état du compte",
    "email_alt": "adresse (mail)",
    "email_name": "adresse (name)",
    "password_must_change": "mot de passe à changer",
}


def source_specs(source: str) -> tuple[FieldSpec, ...]:
    """The fields of one source's reports, with the headers each is known by (for matching and the mapping step)."""
    if source == Source.GENERIC or source not in SOURCE_COLUMNS:
        return GENERIC_ADOPTION_FIELDS
    by_field: dict[str, list[str]] = {}
    for key, name in SOURCE_COLUMNS[source].items():
        by_field.setdefault(name, []).append(key)
    return tuple(FieldSpec(name, CANONICAL_LABELS.get(name, name), tuple(keys)) for name, keys in by_field.items())


def match_report(headers: list[str], source: str, *, extra: dict[str, str] | None = None) -> ColumnMapping:
    """Map a report's headers to its source's canonical columns (administrators' aliases for generic reports)."""
    aliases = dict(custom_aliases(ImportKind.ADOPTION)) if source == Source.GENERIC else {}
    aliases.update(extra or {})
    return match_headers(headers, source_specs(source), extra=aliases)


def check_columns(labels: dict[str, str], headers: list[str], source: str) -> None:
    """Refuse a report that says nothing about accounts, or names nobody (French message)."""
    if not set(labels) & FACT_COLUMNS:
        raise ImportFileError(no_fact_message(headers))
    if not set(labels) & {*IDENTIFIERS, "employee_number", "email_alt", "email_name"}:
        raise ImportFileError(
            f"Aucune colonne ne permet d'identifier les agents dans ce rapport ({SOURCE_LABELS[source]}) : "
            "il faut un matricule (employee ID), une adresse électronique ou un UPN."
        )


def finish(frame: pl.DataFrame, source: str, read_errors: list[list]) -> dict:
    """Checks on a read report's rows; returns the options they give (as-of date of an M365 report)."""
    if frame.height == 0 and not read_errors:
        raise ImportFileError("Le rapport ne contient aucune ligne de données sous la ligne d'en-tête.")
    if source == Source.M365 and "upn" in frame.columns:
        upns = frame.filter(pl.col("upn") != "")["upn"]
        if upns.len() and upns.str.contains(CONCEALED_UPN).mean() >= 0.9:
            raise ImportFileError(CONCEALED_MESSAGE)
    options = {}
    if "refresh_date" in frame.columns:
        refresh = date_column(frame.get_column("refresh_date")).dates.max()
        if refresh:
            options["as_of"] = refresh
            options["refresh_date"] = refresh.isoformat()
    return options


def read(
    data: bytes | Path,
    *,
    source: str = "",
    extra: dict[str, str] | None = None,
    check: Callable[[list[str]], None] | None = None,
) -> tuple[pl.DataFrame, dict, list[str], list[list]]:
    """Read a report: its rows in canonical columns, options (source, as-of date, labels), notices, read errors.

    `extra`: an import profile's mapping {folded header: column}, over the built-in names; `check(headers)`
    may refuse the header row (ImportFileError), as a profile that does not fit it does.
    """
    holder: dict = {}

    def select(headers: list[str]) -> dict[int, str]:
        if check is not None:
            check(headers)
        chosen = source or detect_source(headers)
        holder["source"] = chosen
        holder["mapping"] = mapping = match_report(headers, chosen, extra=extra)
        check_columns(mapping.labels, headers, chosen)
        return mapping.keep

    table = read_table(data, select)
    chosen, mapping = holder["source"], holder["mapping"]
    options = {"source": chosen, "format": table.description, "columns": mapping.labels,
               "ignored_columns": mapping.dropped, **finish(table.frame, chosen, table.read_errors)}  # fmt: skip
    return table.frame, options, mapping.notices(), table.read_errors


def _text(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name) if name in frame.columns else pl.lit("", dtype=pl.String)


def normalise(
    frame: pl.DataFrame, source: str, *, date_orders: dict[str, str] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Canonical typed rows (identifiers, dates, disabled flag) and rejections [line, field, value, reason].

    `date_orders`: {column: "dmy" | "mdy"} remembered by an import profile; otherwise each date column's
    day/month order is decided on the whole column.
    """
    date_orders = date_orders or {}
    directory = source in (Source.ACTIVE_DIRECTORY, Source.ZIMBRA)
    problems = []

    def check_date(name: str) -> pl.Expr:
        if name not in frame.columns:
            return pl.lit(None, dtype=pl.Date)
        # Day/month order decided on the whole column (en-US AD exports write `1/16/2025 9:30:00 AM`).
        column = date_column(frame.get_column(name), directory=directory, order=date_orders.get(name))
        parsed = pl.lit(column.dates)
        never = pl.col(name).str.to_lowercase().str.strip_chars().is_in(NEVER_WORDS) | (pl.col(name) == "")
        reason = (
            pl.when(pl.lit(column.contradicts))
            .then(pl.lit(contradicting_date_message(column.order)))
            .otherwise(pl.lit("Date illisible."))
        )
        problems.append(
            frame.select(
                pl.col(LINE).alias("line"),
                pl.lit(name).alias("field"),
                pl.col(name).str.slice(0, 200).alias("value"),
                reason.alias("reason"),
                (parsed.is_null() & ~never).alias("_bad"),
            )
            .filter("_bad")
            .drop("_bad")
        )
        return parsed

    email = _text(frame, "email").str.to_lowercase()
    if source == Source.ACTIVE_DIRECTORY:
        primary = _text(frame, "proxy_addresses").str.extract(r"SMTP:([^;\s|,]+)", 1).str.to_lowercase()
        email = pl.when(email != "").then(email).otherwise(primary.fill_null(""))
    if source == Source.ZIMBRA:
        alt = _text(frame, "email_alt").str.to_lowercase()
        name = _text(frame, "email_name").str.to_lowercase()
        email = pl.when(email != "").then(email).when(alt != "").then(alt).otherwise(name)
    employee_id = _text(frame, "employee_id")
    if "employee_number" in frame.columns:
        employee_id = pl.when(employee_id != "").then(employee_id).otherwise(pl.col("employee_number"))

    last_activity = check_date("last_activity_on")
    for other in ("last_logon", "last_logon_date"):
        if other in frame.columns:
            last_activity = pl.max_horizontal(last_activity, check_date(other))
    disabled = pl.lit(False)
    if source == Source.M365:
        disabled = bool_expr(_text(frame, "is_deleted")).fill_null(False)
    elif source == Source.ACTIVE_DIRECTORY:
        if "uac" in frame.columns:
            uac = pl.col("uac").cast(pl.Int64, strict=False)
            problems.append(
                frame.filter((pl.col("uac") != "") & uac.is_null()).select(
                    pl.col(LINE).alias("line"),
                    pl.lit("uac").alias("field"),
                    pl.col("uac").str.slice(0, 200).alias("value"),
                    pl.lit("userAccountControl doit être un nombre.").alias("reason"),
                )
            )
            disabled = (uac.fill_null(0) & 0x2) != 0
        if "enabled" in frame.columns:
            disabled = disabled | (bool_expr(pl.col("enabled")) == pl.lit(False)).fill_null(False)
    elif source == Source.GOOGLE:
        disabled = fold_status(frame).is_in(["suspended", "suspendu", "archived", "archive", "deleted"])
    elif source == Source.ZIMBRA:
        disabled = fold_status(frame).is_in(["closed", "locked"])
    elif source == Source.GENERIC and "is_disabled" in frame.columns:
        disabled = bool_expr(pl.col("is_disabled")).fill_null(False)

    never_activated = pl.lit(False)
    if source == Source.ACTIVE_DIRECTORY and "pwd_last_set" in frame.columns:
        never_activated = pl.col("pwd_last_set").str.strip_chars() == "0"
    elif source == Source.ZIMBRA and "password_must_change" in frame.columns:
        never_activated = bool_expr(pl.col("password_must_change")).fill_null(False)

    typed = frame.select(
        pl.col(LINE),
        employee_id.str.strip_chars().alias("employee_id"),
        email.str.strip_chars().alias("email"),
        _text(frame, "upn").str.to_lowercase().str.strip_chars().alias("upn"),
        _text(frame, "login").str.to_lowercase().str.strip_chars().alias("login"),
        check_date("provisioned_on").alias("provisioned_on"),
        check_date("first_sign_in_on").alias("first_sign_in_on"),
        last_activity.alias("last_activity_on"),
        disabled.cast(pl.Boolean).alias("is_disabled"),
        never_activated.cast(pl.Boolean).alias("never_activated"),
    )
    rejections = pl.concat(problems) if problems else _empty_rejections()
    no_id = typed.filter(pl.all_horizontal([pl.col(c) == "" for c in IDENTIFIERS]))
    if no_id.height:
        rejections = pl.concat(
            [
                rejections,
                no_id.select(
                    pl.col(LINE).alias("line"),
                    pl.lit("").alias("field"),
                    pl.lit("").alias("value"),
                    pl.lit("Ligne sans identifiant (ni matricule, ni adresse, ni UPN).").alias("reason"),
                ),
            ]
        )
    valid = typed.filter(~pl.col(LINE).is_in(rejections["line"].implode()))
    return valid, rejections.sort("line")


def fold_status(frame: pl.DataFrame) -> pl.Expr:
    from relais.imports.parsers import fold_expr

    return fold_expr(_text(frame, "account_status"))


def _empty_rejections() -> pl.DataFrame:
    return pl.DataFrame(schema={"line": pl.Int64, "field": pl.String, "value": pl.String, "reason": pl.String})


@dataclass
class AdoptionPlan:
    rows: pl.DataFrame  # one per matched agent: agent_id, account_id (null if new), login, dates, flags, status
    rejected: list[list]
    counts: dict[str, int]
    examples: dict
    notices: list[str]
    tool: Tool
    source: str
    as_of: datetime.date
    lines_total: int = 0
    unmatched: list[list] = field(default_factory=list)


def _lookup(keys: pl.DataFrame) -> pl.DataFrame:
    """key -> agent_id, keeping only keys that name exactly one agent (ambiguous keys match nobody)."""
    keys = keys.filter(pl.col("key").is_not_null() & (pl.col("key") != "")).unique()
    return keys.filter(pl.col("agent_id").n_unique().over("key") == 1).unique("key")


def plan(
    frame: pl.DataFrame,
    *,
    options: dict,
    as_of: datetime.date,
    progress: Callable[[str, int], None] | None = None,
) -> AdoptionPlan:
    """Match a report's rows to agents and tell what importing it would add."""
    progress = progress or (lambda phase, done: None)
    source = options.get("source") or Source.GENERIC
    try:
        tool = Tool.objects.get(code=options.get("tool") or "messagerie")
    except Tool.DoesNotExist as exc:
        raise ImportFileError(f"Outil inconnu : « {options.get('tool')} ».") from exc
    progress("Contrôle des lignes", 0)
    valid, rejections = normalise(frame, source, date_orders=options.get("date_orders"))
    progress("Rapprochement avec les agents", frame.height // 2)

    with connection.cursor() as cursor:
        agents = sql.fetch_frame(
            cursor,
            *Agent.objects.order_by().values_list("id", "matricule", "work_email").query.sql_with_params(),
            {"agent_id": pl.Int64, "matricule": pl.String, "work_email": pl.String},
        )
        accounts = sql.fetch_frame(
            cursor,
            *ToolAccount.objects.filter(tool=tool)
            .order_by()
            .values_list("id", "agent_id", "login", "activated_on")
            .query.sql_with_params(),
            {"account_id": pl.Int64, "agent_id": pl.Int64, "login": pl.String, "activated_on": pl.Date},
        )
    by_matricule = _lookup(agents.select(pl.col("matricule").str.strip_chars().alias("key"), "agent_id"))
    by_address = _lookup(
        pl.concat(
            [
                agents.select(pl.col("work_email").str.to_lowercase().alias("key"), "agent_id"),
                accounts.select(pl.col("login").str.to_lowercase().alias("key"), "agent_id"),
            ]
        )
    )
    matched = valid
    for column, lookup, alias in (
        ("employee_id", by_matricule, "_by_id"),
        ("email", by_address, "_by_email"),
        ("upn", by_address, "_by_upn"),
        ("login", by_address, "_by_login"),
    ):
        matched = matched.join(lookup.rename({"key": column, "agent_id": alias}), on=column, how="left")
    matched = matched.with_columns(
        pl.coalesce("_by_id", "_by_email", "_by_upn", "_by_login").alias("agent_id"),
        pl.when(pl.col("upn") != "")
        .then(pl.col("upn"))
        .when(pl.col("email") != "")
        .then(pl.col("email"))
        .otherwise(pl.col("login"))
        .alias("account_login"),
    )
    unmatched = matched.filter(pl.col("agent_id").is_null())
    matched = matched.filter(pl.col("agent_id").is_not_null())

    # Several rows for one agent (an admin account beside the usual one): merged, activity wins.
    merged = matched.group_by("agent_id").agg(
        pl.col(LINE).min(),
        pl.len().alias("_rows"),
        pl.col("account_login").first(),
        pl.col("provisioned_on").min(),
        pl.col("first_sign_in_on").min(),
        pl.col("last_activity_on").max(),
        pl.col("is_disabled").all(),
        pl.col("never_activated").all(),
    )
    merged = merged.join(accounts.select("account_id", "agent_id", "activated_on"), on="agent_id", how="left")
    merged = merged.join(agents.select("agent_id", "matricule"), on="agent_id", how="left")
    observed = set(
        Observation.objects.filter(account__tool=tool, source=source, as_of=as_of).values_list("account_id", flat=True)
    )
    merged = merged.with_columns(
        pl.col("account_id").is_in(list(observed)).fill_null(False).alias("already_observed"),
        (
            pl.col("activated_on").is_null()
            & (pl.col("first_sign_in_on").is_not_null() | pl.col("last_activity_on").is_not_null())
            & ~pl.col("is_disabled")
        ).alias("newly_activated"),
    )
    fresh = merged.filter(~pl.col("already_observed"))
    counts = {
        "new": fresh.height,
        "updated": int(fresh["account_id"].is_null().sum()),
        "unchanged": merged.height - fresh.height,
        "unmatched": unmatched.height,
        "leaving": 0,
        "rejected": int(rejections["line"].n_unique()),
    }
    notices = []
    duplicates = merged.filter(pl.col("_rows") > 1).height
    if duplicates:
        notices.append(f"{duplicates} agent(s) apparaissent sur plusieurs lignes : leurs lignes ont été fusionnées.")
    unmatched_rows = [
        [r[LINE], r["employee_id"] or r["email"] or r["upn"] or r["login"]]
        for r in unmatched.head(UNMATCHED_KEPT).iter_rows(named=True)
    ]
    examples = {
        "source": SOURCE_LABELS.get(source, source),
        "tool": tool.name,
        "newly_activated": int(fresh["newly_activated"].sum()),
        "never_activated": int(fresh["never_activated"].sum()),
        "disabled": int(fresh["is_disabled"].sum()),
        "new": [
            {
                "matricule": r["matricule"],
                "identifiant": r["account_login"],
                "derniere_activite": r["last_activity_on"].strftime("%d/%m/%Y") if r["last_activity_on"] else "",
                "ligne": r[LINE],
            }
            for r in fresh.head(EXAMPLES).iter_rows(named=True)
        ],
        "unmatched": unmatched_rows,
    }
    labels = options.get("columns", {})
    rejected = [
        [line, labels.get(col, COLUMN_LABELS.get(col, col)), value, reason]
        for line, col, value, reason in rejections.rows()
    ]
    return AdoptionPlan(
        rows=fresh,
        rejected=rejected,
        counts=counts,
        examples=examples,
        notices=notices,
        tool=tool,
        source=source,
        as_of=as_of,
        lines_total=frame.height,
        unmatched=unmatched_rows,
    )


STAGE = "imports_stage_observation"
STAGE_COLUMNS = {
    "agent_id": "bigint",
    "login": "text",
    "provisioned_on": "date",
    "first_sign_in_on": "date",
    "last_activity_on": "date",
    "is_disabled": "boolean",
    "is_new_account": "boolean",
}
ACCOUNTS_STAGE = "imports_stage_account"


def apply(result: AdoptionPlan, *, acting_user, run) -> None:
    """Write the observations, create missing accounts and merge facts; the caller holds the transaction."""
    from relais.journal.services import journal_record_select

    rows = result.rows
    if rows.height == 0:
        return
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    # A timestamp no other write can share: it tells the accounts created here from the others.
    marker = connection.ops.adapt_datetimefield_value(timezone.now() + datetime.timedelta(microseconds=1))
    as_of = connection.ops.adapt_datefield_value(result.as_of)
    reference = f"import:{run.public_id}"[:64] if run is not None else "import"
    stage = rows.select(
        "agent_id",
        pl.col("account_login").alias("login"),
        *[
            pl.col(c).dt.strftime("%Y-%m-%d").alias(c)
            for c in ("provisioned_on", "first_sign_in_on", "last_activity_on")
        ],
        "is_disabled",
        pl.col("account_id").is_null().alias("is_new_account"),
    )
    with connection.cursor() as cursor:
        sql.create_stage(cursor, STAGE, STAGE_COLUMNS)
        sql.load_stage(cursor, STAGE, stage, keys=("agent_id",))
        # Accounts the report reveals, created as `observation_record` does (provisioned by the as-of date),
        # with the facts `accounts_refresh` draws from their one observation, so they need no refresh.
        cursor.execute(
            f"INSERT INTO adoption_toolaccount (created_at, updated_at, agent_id, tool_id, login, provisioned_on, "
            f"activated_on, last_activity_on, disabled_on) "
            f"SELECT %s, %s, s.agent_id, %s, s.login, COALESCE(s.provisioned_on, %s), "
            f"CASE WHEN s.first_sign_in_on IS NULL THEN s.last_activity_on WHEN s.last_activity_on IS NULL "
            f"THEN s.first_sign_in_on WHEN s.first_sign_in_on < s.last_activity_on THEN s.first_sign_in_on "
            f"ELSE s.last_activity_on END, s.last_activity_on, CASE WHEN s.is_disabled THEN %s END "
            f"FROM {STAGE} s WHERE s.is_new_account ON CONFLICT (agent_id, tool_id) DO NOTHING",
            [marker, marker, result.tool.pk, as_of, as_of],
        )
        cursor.execute(
            f"UPDATE adoption_toolaccount SET login = s.login, updated_at = %s FROM {STAGE} s "
            f"WHERE adoption_toolaccount.agent_id = s.agent_id AND adoption_toolaccount.tool_id = %s "
            f"AND s.login <> '' AND adoption_toolaccount.login <> s.login",
            [now, result.tool.pk],
        )
        cursor.execute(
            f"INSERT INTO adoption_observation (account_id, source, as_of, provisioned_on, first_sign_in_on, "
            f"last_activity_on, is_disabled, reference, recorded_at) "
            f"SELECT a.id, %s, %s, COALESCE(s.provisioned_on, CASE WHEN s.is_new_account THEN %s END), "
            f"s.first_sign_in_on, s.last_activity_on, s.is_disabled, %s, %s "
            f"FROM {STAGE} s JOIN adoption_toolaccount a ON a.agent_id = s.agent_id AND a.tool_id = %s WHERE true "
            f"ON CONFLICT (account_id, source, as_of) DO NOTHING",
            [result.source, as_of, as_of, reference, now, result.tool.pk],
        )
        # Accounts this import did not create (their `created_at` is not its marker) merge their history.
        touched = sql.fetch_frame(
            cursor,
            f"SELECT a.id, a.agent_id FROM {STAGE} s JOIN adoption_toolaccount a "
            f"ON a.agent_id = s.agent_id AND a.tool_id = %s WHERE a.created_at <> %s",
            [result.tool.pk, marker],
            {"id": pl.Int64, "agent_id": pl.Int64},
        )
        accounts_refresh_sql(cursor, touched.select("id"))
        # One journal entry per agent observed, from the stage (as `observation_record` writes it).
        activation = "COALESCE(s.first_sign_in_on, s.last_activity_on)"
        journal_record_select(
            acting_user=acting_user,
            action="adoption.observation",
            model=Agent,
            select_sql=(
                f"SELECT s.agent_id AS object_id, a.matricule AS object_repr, %s || "
                f"CASE WHEN {activation} IS NULL THEN 'null' ELSE '\"' || {activation} || '\"' END || %s AS payload "
                f"FROM {STAGE} s JOIN agents_agent a ON a.id = s.agent_id"
            ),
            params=[
                f'{{"outil": "{result.tool.code}", "source": "{result.source}", "au": "{result.as_of.isoformat()}", '
                f'"activation": ',
                f', "import": "{run.public_id if run is not None else ""}"}}',
            ],
        )
        sql.drop_stage(cursor, STAGE)


def accounts_refresh_sql(cursor, accounts: pl.DataFrame) -> None:
    """`relais.adoption.services.accounts_refresh`, set-based, with the very same rules.

    created = earliest creation seen; first sign-in = earliest of first sign-in and activity seen;
    last activity = latest seen; disabled since the first "disabled" observation after the last
    "enabled" one.
    """
    if accounts.height == 0:
        return
    sql.create_stage(cursor, ACCOUNTS_STAGE, {"id": "bigint"})
    sql.load_stage(cursor, ACCOUNTS_STAGE, accounts.select("id").unique(), keys=("id",))
    epoch = connection.ops.adapt_datefield_value(datetime.date(1, 1, 1))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    facts = (
        f"SELECT agg.id, agg.prov, "
        f"CASE WHEN agg.fsi IS NULL THEN agg.fa WHEN agg.fa IS NULL THEN agg.fsi "
        f"WHEN agg.fsi < agg.fa THEN agg.fsi ELSE agg.fa END AS act, agg.last, "
        f"(SELECT MIN(o2.as_of) FROM adoption_observation o2 WHERE o2.account_id = agg.id AND o2.is_disabled "
        f"AND o2.as_of > COALESCE(agg.last_enabled, %s)) AS dis "
        f"FROM (SELECT t.id AS id, MIN(o.provisioned_on) AS prov, MIN(o.first_sign_in_on) AS fsi, "
        f"MIN(o.last_activity_on) AS fa, MAX(o.last_activity_on) AS last, "
        f"MAX(CASE WHEN o.is_disabled THEN NULL ELSE o.as_of END) AS last_enabled "
        f"FROM {ACCOUNTS_STAGE} t LEFT JOIN adoption_observation o ON o.account_id = t.id GROUP BY t.id) agg"
    )
    t = "adoption_toolaccount"
    differs = " OR ".join(
        sql.distinct(f"{t}.{column}", f"f.{alias}")
        for column, alias in (
            ("provisioned_on", "prov"),
            ("activated_on", "act"),
            ("last_activity_on", "last"),
            ("disabled_on", "dis"),
        )
    )
    cursor.execute(
        f"UPDATE {t} SET provisioned_on = f.prov, activated_on = f.act, last_activity_on = f.last, "
        f"disabled_on = f.dis, updated_at = %s FROM ({facts}) f WHERE {t}.id = f.id AND ({differs})",
        [now, epoch],
    )
    sql.drop_stage(cursor, ACCOUNTS_STAGE)
