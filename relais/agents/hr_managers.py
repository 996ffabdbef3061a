"""HR managers (gestionnaires RH) as extracts name them: find or create them, match them to agents and users.

An extract's "Gestionnaire RH" cell may hold a matricule, a code, an e-mail or a name ("MARTIN Sophie",
"Sophie Martin", "Mme MARTIN S."). Each distinct value is reduced to a key (`key_for`):
- an e-mail address: `email:` + the address in lower case;
- one word without spaces (a matricule, a code like "GRH-12"): `id:` + the value in upper case;
- anything else is a name: folded (case, accents, punctuation ignored), a leading civility dropped, words
  sorted, so that "MARTIN Sophie" and "Sophie Martin" are the same HR manager.
Matching, for new HR managers and for those not matched yet:
- e-mail: the one agent with that work e-mail, the one user with that e-mail or username;
- word: the agent with that matricule (then the kind is "matricule", otherwise "code"), the user with that
  username;
- name: the one agent whose last (or usage) name and first name (or its initials) give the same words;
  when several agents share that name, the one who works as an HR manager ("gestionnaire" in the job title)
  if there is exactly one, otherwise none: an ambiguous name is never matched to someone, the HR manager
  still exists under its label.
An HR manager matched to an agent takes the user with the agent's work e-mail, when there is one.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

import polars as pl
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.functions import Lower

from relais.agents.models import Agent, HRKind, HRManager
from relais.core.text import fold

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Leading words that are a civility, not a name ("Mme MARTIN S.", "M. Dupont Jean").
CIVILITIES = frozenset({"m", "mr", "mme", "mlle", "melle", "monsieur", "madame", "mademoiselle", "dr", "docteur"})
LABEL_MAX = 200
CHUNK = 2000  # values per IN (…) list: well under both databases' parameter limits
EMAIL_PREFIX, ID_PREFIX, NAME_PREFIX = "email:", "id:", "name:"


def key_for(value: str | None) -> str:
    """The normalised key of a raw "Gestionnaire RH" value; "" when it names nobody (empty, "-", "?")."""
    value = (value or "").strip()[:LABEL_MAX]
    if not fold(value):
        return ""
    if _EMAIL.match(value):
        return EMAIL_PREFIX + value.lower()
    if not any(ch.isspace() for ch in value):
        return ID_PREFIX + value.upper()
    words = fold(value).split()
    while len(words) > 1 and words[0] in CIVILITIES:
        words = words[1:]
    return NAME_PREFIX + " ".join(sorted(words))


def resolve(values: Iterable[str], *, match: bool = True) -> dict[str, HRManager | None]:
    """{raw value: its HR manager} for the distinct values of a column, creating the missing ones in bulk.

    Empty values (and values without a letter or digit) map to None. A few queries per few thousand values;
    the agents are read once, only when some names must be matched. `match=False` leaves the new and the
    unmatched HR managers without agent or user: the caller matches them later with `match_pending` (the
    HR extract does, once the file's agents are written, so that its rows get their HR manager when they
    are inserted rather than by a second write of every row).
    """
    raw_by_key: dict[str, list[str]] = defaultdict(list)
    out: dict[str, HRManager | None] = {}
    for value in dict.fromkeys(v if v is not None else "" for v in values):
        key = key_for(value)
        if key:
            raw_by_key[key].append(value)
        else:
            out[value] = None
    if not raw_by_key:
        return out

    keys = list(raw_by_key)
    existing = _by_key(keys)
    fresh = [
        HRManager(key=key, label=raw_by_key[key][0].strip()[:LABEL_MAX], kind=_initial_kind(key))
        for key in keys
        if key not in existing
    ]
    unmatched = [m for m in existing.values() if m.agent_id is None and m.user_id is None] if match else []
    changed = _match([*fresh, *unmatched]) if match else set()
    if fresh:
        # ignore_conflicts: another import may have created the same key meanwhile; it is read back below.
        HRManager.objects.bulk_create(fresh, batch_size=CHUNK, ignore_conflicts=True)
    updated = [m for m in unmatched if m.key in changed]
    if updated:
        HRManager.objects.bulk_update(updated, ["agent", "user", "email", "kind", "updated_at"], batch_size=CHUNK)
    if fresh:
        existing.update(_by_key([m.key for m in fresh]))
    for key, raws in raw_by_key.items():
        for raw in raws:
            out[raw] = existing.get(key)
    return out


def match_pending(managers: Iterable[HRManager | None]) -> int:
    """Match to agents and users the HR managers that have neither (see `resolve(match=False)`); returns how
    many changed."""
    pending = list({m.pk: m for m in managers if m is not None and m.agent_id is None and m.user_id is None}.values())
    changed = _match(pending)
    updated = [m for m in pending if m.key in changed]
    if updated:
        HRManager.objects.bulk_update(updated, ["agent", "user", "email", "kind", "updated_at"], batch_size=CHUNK)
    return len(updated)


def _by_key(keys: list[str]) -> dict[str, HRManager]:
    found = {}
    for start in range(0, len(keys), CHUNK):
        found.update({m.key: m for m in HRManager.objects.filter(key__in=keys[start : start + CHUNK])})
    return found


def _initial_kind(key: str) -> str:
    if key.startswith(EMAIL_PREFIX):
        return HRKind.EMAIL
    if key.startswith(ID_PREFIX):
        return HRKind.CODE
    return HRKind.NAME


def _match(managers: list[HRManager]) -> set[str]:
    """Set `agent`, `user`, `email` and `kind` where the value allows; returns the keys of those changed."""
    from django.utils import timezone

    changed: set[str] = set()
    if not managers:
        return changed
    emails = {m.key[len(EMAIL_PREFIX) :]: m.key for m in managers if m.key.startswith(EMAIL_PREFIX)}
    words = {m.key[len(ID_PREFIX) :]: m for m in managers if m.key.startswith(ID_PREFIX)}
    names = {m.key[len(NAME_PREFIX) :]: m.key for m in managers if m.key.startswith(NAME_PREFIX)}
    agent_of: dict[str, int] = {}  # HR manager key -> agent id

    if emails:
        hits = defaultdict(set)
        for pk, email in _chunked(
            lambda chunk: Agent.objects.annotate(e=Lower("work_email")).filter(e__in=chunk).values_list("pk", "e"),
            list(emails),
        ):
            hits[email].add(pk)
        agent_of.update({emails[e]: next(iter(ids)) for e, ids in hits.items() if len(ids) == 1})
    if words:
        # Matricules are stored as written: look for the value as the extract wrote it and in upper case.
        candidates = {**{k: k for k in words}, **{m.label.strip(): k for k, m in words.items()}}
        for pk, matricule in _chunked(
            lambda chunk: Agent.objects.filter(matricule__in=chunk).values_list("pk", "matricule"), list(candidates)
        ):
            agent_of.setdefault(ID_PREFIX + candidates[matricule], pk)
    if names:
        agent_of.update({names[k]: pk for k, pk in _match_names(list(names)).items()})

    users = _users()
    agent_emails = dict(
        _chunked(
            lambda chunk: Agent.objects.filter(pk__in=chunk).values_list("pk", "work_email"),
            list(set(agent_of.values())),
        )
    )
    now = timezone.now()
    for manager in managers:
        before = (manager.agent_id, manager.user_id, manager.email, manager.kind)
        agent_id = agent_of.get(manager.key)
        user_id = None
        if manager.key.startswith(EMAIL_PREFIX):
            manager.email = manager.key[len(EMAIL_PREFIX) :]
            user_id = users.get(manager.email)
        elif manager.key.startswith(ID_PREFIX):
            manager.kind = HRKind.MATRICULE if agent_id else HRKind.CODE
            user_id = users.get(manager.key[len(ID_PREFIX) :].lower())
        if agent_id:
            manager.agent_id = agent_id
            work_email = (agent_emails.get(agent_id) or "").lower()
            manager.email = manager.email or work_email
            user_id = user_id or users.get(work_email)
        if user_id:
            manager.user_id = user_id
        if (manager.agent_id, manager.user_id, manager.email, manager.kind) != before:
            manager.updated_at = now
            changed.add(manager.key)
    return changed


def _chunked(query, values: list) -> list[tuple]:
    rows = []
    for start in range(0, len(values), CHUNK):
        rows.extend(query(values[start : start + CHUNK]))
    return rows


def _users() -> dict[str, int]:
    """{lower-case e-mail or username: user id}, for those that name exactly one active user."""
    seen: dict[str, set[int]] = defaultdict(set)
    for pk, email, username in get_user_model().objects.filter(is_active=True).values_list("pk", "email", "username"):
        for value in {(email or "").lower(), (username or "").lower()} - {""}:
            seen[value].add(pk)
    return {value: next(iter(ids)) for value, ids in seen.items() if len(ids) == 1}


def _fold(expr: pl.Expr) -> pl.Expr:
    """`relais.core.text.fold` as a Polars expression."""
    return (
        expr.fill_null("")
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7F]", "")
        .str.to_lowercase()
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars(" ")
    )


def _sorted_words(expr: pl.Expr) -> pl.Expr:
    return expr.str.split(" ").list.eval(pl.element().filter(pl.element() != "")).list.sort().list.join(" ")


def _match_names(wanted: list[str]) -> dict[str, int]:
    """{name key (sorted folded words): agent id} for the names that designate one agent.

    Every agent's name is spelled the ways an extract writes it: last name + first name, usage name + first
    name, and each with the first name's initials ("martin s" for "Mme MARTIN S."). Only agents whose last
    or usage name starts with a word of a wanted name are spelled, so a million agents stay cheap.
    """
    # (Read as one CSV stream on PostgreSQL, `relais.imports.sql.read_frame`: a million agents' names in about a
    # second, against 3.6 s through Python tuples.)
    from relais.imports.sql import read_frame

    words = sorted({w for key in wanted for w in key.split()})
    schema = {"id": pl.Int64, "last_name": pl.String, "usage_name": pl.String, "first_name": pl.String,
              "job_title": pl.String}  # fmt: skip
    with connection.cursor() as cursor:
        every = read_frame(cursor, f"SELECT {', '.join(schema)} FROM agents_agent", [], schema)  # noqa: S608
    parts = []
    for start in range(0, every.height, 200_000):
        frame = every.slice(start, 200_000).select(
            "id",
            _fold(pl.col("last_name")).alias("last"),
            _fold(pl.col("usage_name")).alias("usage"),
            _fold(pl.col("first_name")).alias("first"),
            _fold(pl.col("job_title")).str.contains("gestionnaire").alias("hr"),
        )
        parts.append(
            frame.filter(
                pl.col("last").str.split(" ").list.first().is_in(words)
                | pl.col("usage").str.split(" ").list.first().is_in(words)
            )
        )
    del every
    if not parts:
        return {}
    agents = pl.concat(parts)
    initials = pl.col("first").str.split(" ").list.eval(pl.element().str.slice(0, 1)).list.join(" ")
    spelled = []
    for surname in ("last", "usage"):
        base = agents.filter(pl.col(surname) != "")
        for given in (pl.col("first"), initials):
            key = _sorted_words(pl.concat_str([pl.col(surname), given], separator=" ")).alias("key")
            # Only the spellings of a wanted name are kept: four spellings of a million agents are not.
            spelled.append(base.select("id", "hr", key).filter(pl.col("key").is_in(wanted)))
    candidates = (
        pl.concat(spelled)
        .unique(["key", "id"])
        .group_by("key")
        .agg(
            pl.col("id").n_unique().alias("n"),
            pl.col("id").first().alias("only"),
            pl.col("id").filter(pl.col("hr")).n_unique().alias("n_hr"),
            pl.col("id").filter(pl.col("hr")).first().alias("only_hr"),
        )
    )
    found = {}
    for key, n, only, n_hr, only_hr in candidates.iter_rows():
        if n == 1:
            found[key] = only
        elif n_hr == 1:
            found[key] = only_hr
    return found
