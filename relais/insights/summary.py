"""The adoption summary: today's counts per group of agents and the trend's steps, kept in the database.

Why: the dashboards' figures come from grouping every agent in post with their accounts. Done per request,
that costs hundreds of milliseconds at 50,000 agents and seconds at 2,000,000, and the per-process memo
(`relais.insights.memo`) does not help the first request after each change, nor other processes. The
summary is built once per change, set-based in SQL, and read by every process and every scope: a few
thousand rows instead of every agent.

- `AdoptionCell`: for today, one row per (tool, direction, service, site, category, filière, statut) with
  agents in post, accounts provisioned, activated and used in the last 30 days — the `cube`'s counts.
- `TrendStep`: the dated changes of agents in post / accounts held / activated, each added to the first
  day of the trend's grid (the first of each of the last 12 months, then today) on or after its date, so
  the running sum up to a grid day is the count on that day — `counts_on`'s intervals, exactly.

**Exact**: the same rules as the direct computation (`relais.insights.population`, `impact.Population`),
written once more in SQL; tests hold the two equal on hand-made data, after a write and after a day change.

**Fresh**: the summary records what it was built from — the day, the journal's token (last entry id and
the number of entries among the last 10,000 ids, which also catches a transaction committed after a later
one) and the sites' token (count, last id, last update: a site's kind is not journaled). `ensure_fresh()`
compares them with the current ones (three indexed reads) and rebuilds in one transaction when any differs,
under a lock (a row lock on PostgreSQL, the database write lock on SQLite) so that one process rebuilds
while the others wait and then read the new rows. Readers use the summary only for today's figures; any
other day goes to the direct computation. A rebuild after a few changes recomputes only the directions the
journal entries name (`_directions_moved`); anything it cannot place rebuilds everything.

**Or behind, and saying so**: a request waits for a rebuild only when the last one took less than
`RELAIS_INSIGHTS_WAIT_SECONDS` (half a second at 50,000 agents: always, so figures are exact). When
rebuilds are slower (15 s at 2,000,000 agents), a request reads the summary built earlier the same day,
queues the background rebuild, and the pages say when their figures were taken (`check().behind`).
"""

import datetime
import time
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from relais.adoption.enums import RECENT_USE_DAYS
from relais.insights.models import AdoptionCell, AdoptionGroup, AdoptionPlace, SummaryState, TrendStep
from relais.insights.population import PopulationFilter
from relais.journal.models import Entry
from relais.organisation.models import Site

WINDOW = 10_000  # journal ids looked at for late commits
# Journal actions of areas that write none of what the summary counts (agents, accounts, observations, field
# work, sites): they do not make it stale. A test reads those areas' code to keep this true.
IGNORED = ("helpdesk.", "interventions.", "knowledge.", "findings.")
MAX_BEHIND = datetime.timedelta(minutes=10)  # the furthest behind a reader goes on with a stale summary
# Part of the token: a new version of the summary's tables or rules (a deployment) makes the old rows stale.
VERSION = 4


def enabled() -> bool:
    return getattr(settings, "RELAIS_INSIGHTS_SUMMARY", True)


class Reading(NamedTuple):
    current: str  # the token of the data now
    journal_last: int  # the last journal entry that can move the summary
    last_entry: int  # the journal's last id, whatever the entry (campaigns, tickets… move memoised figures too)
    day: datetime.date | None  # what the summary was built from
    token: str | None
    built_at: datetime.datetime | None
    seconds: float  # how long that build took

    @property
    def fresh(self) -> bool:
        return self.day == timezone.localdate() and self.token == self.current

    @property
    def mark(self) -> str:
        """What memoised figures are keyed on: the journal's last id, the data's token, when the summary was built."""
        return f"{self.last_entry}|{self.current}|{self.built_at.isoformat() if self.built_at else ''}"

    @property
    def behind(self) -> datetime.datetime | None:
        """When today's figures are read from a summary behind the data (`ensure_fresh(wait=False)`): when it
        was built. None when the summary is fresh, or not in use."""
        return self.built_at if enabled() and not self.fresh and _may_read_behind(self) else None


def _read() -> Reading:
    """The current token and the summary's state in ONE query: the check every request makes.

    The token holds what the figures depend on: the journal's high-water mark among the entries that can move
    them (last id, and how many among the last WINDOW ids: a transaction committed after a later one adds an
    id below the mark) and the sites' state (count, last id, last update: a site's kind is not journaled).
    Entries of areas that never write agents, accounts, observations, field work or sites (IGNORED) leave the
    summary fresh: an operator's reply to a ticket costs no rebuild.
    """
    journal, sites, state = Entry._meta.db_table, Site._meta.db_table, SummaryState._meta.db_table
    moving = " AND ".join(["action NOT LIKE %s"] * len(IGNORED))
    sql = (
        f"SELECT (SELECT id FROM {journal} WHERE {moving} ORDER BY id DESC LIMIT 1), "  # noqa: S608
        f"(SELECT COUNT(*) FROM {journal} WHERE id > (SELECT COALESCE(MAX(id), 0) FROM {journal}) - %s "
        f"AND {moving}), (SELECT MAX(id) FROM {journal}), "
        f"(SELECT COUNT(*) FROM {sites}), (SELECT MAX(id) FROM {sites}), (SELECT MAX(updated_at) FROM {sites}), "
        f"(SELECT day FROM {state} WHERE id = 1), (SELECT token FROM {state} WHERE id = 1), "
        f"(SELECT built_at FROM {state} WHERE id = 1), (SELECT seconds FROM {state} WHERE id = 1)"
    )
    patterns = [f"{prefix}%" for prefix in IGNORED]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*patterns, WINDOW, *patterns])
        last, recent, last_entry, n_sites, last_site, site_at, day, built_token, built_at, seconds = cursor.fetchone()
    if isinstance(site_at, datetime.datetime):
        site_at = site_at.isoformat()
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    if isinstance(built_at, str):
        built_at = datetime.datetime.fromisoformat(built_at)
    if built_at is not None and built_at.tzinfo is None:  # SQLite: UTC, as Django writes it
        built_at = built_at.replace(tzinfo=datetime.UTC)
    current = f"v{VERSION}:j{last or 0}.{recent}:s{n_sites}.{last_site or 0}.{site_at or ''}"
    return Reading(current, last or 0, last_entry or 0, day, built_token, built_at, seconds or 0.0)


def is_fresh(day: datetime.date | None = None) -> bool:
    reading = _read()
    return reading.day == (day or timezone.localdate()) and reading.token == reading.current


def check() -> Reading:
    """The summary brought up to date as a reader would (`ensure_fresh(wait=False)`), and its state after: what
    a page reads once for its memo key and its "figures taken at" note. One query when nothing moved."""
    reading = _read()
    if not reading.fresh and enabled():
        ensure_fresh(wait=False)
        reading = _read()
    return reading


def _may_read_behind(reading: Reading) -> bool:
    """A reader may use a stale summary when it is today's, recent, and the last rebuild was too slow to wait
    for. Older than MAX_BEHIND (no task worker running?), the next request rebuilds and waits."""
    return (
        reading.day == timezone.localdate()
        and reading.seconds >= settings.RELAIS_INSIGHTS_WAIT_SECONDS
        and reading.built_at is not None
        and timezone.now() - reading.built_at < MAX_BEHIND
    )


def _queue_refresh() -> None:
    """Queue one background rebuild for the readers going on with a stale summary (at most one a minute)."""
    from django.core.cache import cache

    from relais.insights.tasks import summary_refresh

    if cache.add("insights:summary-refresh-queued", True, 60):
        summary_refresh.enqueue()


def ensure_fresh(*, wait: bool = True) -> bool:
    """Rebuild the summary if the day, the journal or the sites moved since it was built; True if it is usable.

    `wait=False` (readers): when the last rebuild was slow, use today's stale summary and queue the rebuild.
    """
    if not enabled():
        return False
    today = timezone.localdate()
    reading = _read()
    if reading.fresh:
        return True
    if not wait and _may_read_behind(reading):
        _queue_refresh()
        return True
    with transaction.atomic():
        # Take the lock first: on PostgreSQL the state row (FOR UPDATE); on SQLite the first write takes the
        # database's write lock. A process that waited here finds the summary rebuilt and stops.
        SummaryState.objects.get_or_create(pk=1)
        if connection.vendor == "postgresql":
            state = SummaryState.objects.select_for_update().get(pk=1)
        else:
            SummaryState.objects.filter(pk=1).update(seconds=F("seconds"))  # (keeps the last build's duration)
            state = SummaryState.objects.get(pk=1)
        now = _read()
        if state.day == today and state.token == now.current:
            return True
        directions = _directions_moved(state, now)
        if directions != []:  # (an empty list: nothing the summary counts has moved)
            rebuild(today, directions)
        # The token was read before the rows: data committed meanwhile is in the rows but not in the token,
        # so the next request rebuilds again — never the other way round.
        SummaryState.objects.filter(pk=1).update(
            day=today, token=now.current, journal_last=now.journal_last, journal_window=_window(now.journal_last)
        )
    return True


# More entries than this since the last build (an import): rebuilding everything costs no more.
MAX_ENTRIES = 2000
# Entries that move nothing by themselves: an import's record (its agents have their own entries), a campaign.
NAMING_NO_AGENT = {"imports.importrun", "insights.campaign"}


def _moving_entries():
    q = Q()
    for prefix in IGNORED:
        q &= ~Q(action__startswith=prefix)
    return Entry.objects.filter(q)


def _version_and_sites(token: str) -> tuple[str, str]:
    version, _, rest = token.partition(":j")
    return version, rest.partition(":s")[2]


def _window(last: int) -> int:
    """How many entries that can move the summary lie among the WINDOW ids up to `last`."""
    return _moving_entries().filter(id__gt=last - WINDOW, id__lte=last).count()


def _directions_moved(state: SummaryState, now: Reading) -> list[int] | None:
    """The directions whose rows the journal entries since the last build can have changed, when the summary
    may be brought up to date for them alone; None when it must be rebuilt whole: another day, the sites or
    the summary's version changed, a transaction committed late (behind the last entry seen), many entries
    (an import), or an entry whose agents cannot all be named (a deleted agent, an agent moved to another
    direction, an entry of an unknown kind)."""
    if state.day != timezone.localdate() or state.journal_last is None or not state.token:
        return None
    if _version_and_sites(state.token) != _version_and_sites(now.current):
        return None
    if _window(state.journal_last) != state.journal_window:
        return None
    entries = list(
        _moving_entries()
        .filter(id__gt=state.journal_last, id__lte=now.journal_last)
        .values_list("action", "object_type", "object_id", "payload")[: MAX_ENTRIES + 1]
    )
    if not entries or len(entries) > MAX_ENTRIES:
        return None
    agents, participations, activities, visits = set(), set(), set(), set()
    for action, object_type, object_id, payload in entries:
        if object_type == "agents.agent" and action != "agent.delete":
            changed = {*(payload or {}).get("modifications", {}), *(payload or {}).get("champs", [])}
            if "direction" in changed or "direction_id" in changed:
                return None  # (its former direction is not known here)
            agents.add(int(object_id))
        elif object_type == "fieldwork.participation":
            participations.add(int(object_id))
        elif object_type == "fieldwork.activity":
            activities.add(int(object_id))
        elif object_type == "fieldwork.visit":
            visits.add(int(object_id))
        elif object_type not in NAMING_NO_AGENT:
            return None
    from relais.agents.models import Agent
    from relais.fieldwork.models import Participation

    found = dict(Agent.objects.filter(pk__in=agents).values_list("pk", "direction_id"))
    if len(found) != len(agents):
        return None
    met = Participation.objects.filter(
        Q(pk__in=participations) | Q(activity_id__in=activities) | Q(activity__visit_id__in=visits),
        agent__isnull=False,
    )
    return sorted({*found.values(), *met.values_list("agent__direction_id", flat=True)})


def _greatest(*args: str) -> str:
    fn = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    return f"{fn}({', '.join(args)})"


def _least(*args: str) -> str:
    fn = "LEAST" if connection.vendor == "postgresql" else "MIN"
    return f"{fn}({', '.join(args)})"


def _as_deltas(values: str) -> str:
    return ", ".join(f"{v.strip()} AS {name}" for v, name in zip(values.split(","), ("da", "dh", "dx"), strict=True))


def grid(day: datetime.date) -> list[datetime.date]:
    from relais.insights.adoption import trend_days

    return trend_days(day)


def _met_sql(day: datetime.date) -> tuple[str, tuple]:
    """The agents met by `day` (the impact's rule: on the sheet of an activity of a visit not cancelled), as SQL.

    Compiled from the team's view of participations (`alive()`, what coordinators see); a scoped user's met
    agents are these within their directions, as the summary is always read through the user's scope.
    """
    from relais.fieldwork.enums import VisitStatus
    from relais.fieldwork.models import Participation

    met = (
        Participation.objects.alive()
        .filter(agent__isnull=False, activity__visit__date__lte=day)
        .exclude(activity__visit__status=VisitStatus.CANCELLED)
        .values("agent_id")
        .distinct()
        .order_by()
    )
    return met.query.sql_with_params()


def rebuild(day: datetime.date, directions: list[int] | None = None) -> float:
    """Replace the summary's rows by those of `day`, set-based (four INSERT … SELECT … GROUP BY); returns seconds.

    `directions`: replace only those directions' rows (every row of the summary belongs to one direction).
    """
    start = time.perf_counter()
    # Rows of the given directions only: the same statements, each restricted to them.
    only = f"a.direction_id IN ({', '.join(['%s'] * len(directions))})" if directions else ""
    only_params = list(directions or [])
    d = connection.ops.adapt_datefield_value(day)
    since = connection.ops.adapt_datefield_value(day - datetime.timedelta(days=RECENT_USE_DAYS))
    cell, group, step = AdoptionCell._meta.db_table, AdoptionGroup._meta.db_table, TrendStep._meta.db_table
    place = AdoptionPlace._meta.db_table
    in_post = "(a.entry_date IS NULL OR a.entry_date <= %s) AND (a.exit_date IS NULL OR a.exit_date > %s)"
    dims = "a.direction_id, a.service_id, a.site_id, a.category, a.filiere, a.statut"
    activated = "t.activated_on <= %s AND (t.disabled_on IS NULL OR t.disabled_on > %s)"
    met_sql, met_params = _met_sql(day)
    met = "(m.agent_id IS NOT NULL)"
    # Only constant fragments are joined; every value is a parameter.
    cells_sql = (
        f"INSERT INTO {cell} (tool_id, direction_id, service_id, site_id, category, filiere, statut, met, "  # noqa: S608
        "agents, provisioned, activated, recent) "
        f"SELECT CAST(NULL AS BIGINT), {dims}, {met}, COUNT(*), 0, 0, 0 FROM agents_agent a "
        f"LEFT JOIN ({met_sql}) m ON m.agent_id = a.id WHERE {in_post}{' AND ' + only if only else ''} "
        f"GROUP BY {dims}, {met} UNION ALL SELECT t.tool_id, {dims}, {met}, 0, "
        "SUM(CASE WHEN t.provisioned_on <= %s OR t.activated_on <= %s THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {activated} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {activated} AND t.last_activity_on >= %s AND t.last_activity_on <= %s THEN 1 ELSE 0 END) "
        "FROM agents_agent a JOIN adoption_toolaccount t ON t.agent_id = a.id "
        f"LEFT JOIN ({met_sql}) m ON m.agent_id = a.id WHERE {in_post}{' AND ' + only if only else ''} "
        f"GROUP BY t.tool_id, {dims}, {met} "
        # Stored by direction, then tool: a direction's rows (the scope, the filters) are read from few pages.
        "ORDER BY 2, 1"
    )
    cells_params = [*met_params, d, d, *only_params, d, d, d, d, d, d, since, d, *met_params, d, d, *only_params]
    where_cells = f" WHERE {only.replace('a.', '')}" if only else ""

    gdims = "c.tool_id, c.direction_id, s.kind, c.category, c.filiere, c.statut, c.met"
    groups_sql = (
        f"INSERT INTO {group} (tool_id, direction_id, site_kind, category, filiere, statut, met, "  # noqa: S608
        f"agents, provisioned, activated, recent) SELECT {gdims}, SUM(c.agents), SUM(c.provisioned), "
        f"SUM(c.activated), SUM(c.recent) FROM {cell} c LEFT JOIN organisation_site s ON s.id = c.site_id "
        f"{where_cells.replace('direction_id', 'c.direction_id')} GROUP BY {gdims}"
    )
    pdims = "tool_id, direction_id, service_id, site_id"
    places_sql = (
        f"INSERT INTO {place} ({pdims}, agents, provisioned, activated, recent) "  # noqa: S608
        f"SELECT {pdims}, SUM(agents), SUM(provisioned), SUM(activated), SUM(recent) FROM {cell}{where_cells} "
        f"GROUP BY {pdims}"
    )

    # Dates are compared as dates (ISO text on SQLite: the same order), far past and far future for "none".
    days = grid(day)
    bucket = "CASE " + " ".join("WHEN x.d <= %s THEN %s" for _ in days) + " END"
    bucket_params = [v for g in days for v in (connection.ops.adapt_datefield_value(g), g.toordinal())]
    date = "DATE " if connection.vendor == "postgresql" else ""
    first, last = f"{date}'0001-01-01'", f"{date}'9999-12-31'"
    ps, pe = f"COALESCE(a.entry_date, {first})", f"COALESCE(a.exit_date, {last})"
    prov, act = f"COALESCE(t.provisioned_on, {last})", f"COALESCE(t.activated_on, {last})"
    dis = f"COALESCE(t.disabled_on, {last})"
    sdims = "direction_id, site_kind, category, filiere, statut"
    agents_iv = (
        f"SELECT a.direction_id, s.kind AS site_kind, a.category, a.filiere, a.statut, {ps} AS ps, {pe} AS pe "  # noqa: S608
        f"FROM agents_agent a LEFT JOIN organisation_site s ON s.id = a.site_id{' WHERE ' + only if only else ''}"
    )
    accounts_iv = (
        f"SELECT t.tool_id, a.direction_id, s.kind AS site_kind, a.category, a.filiere, a.statut, "  # noqa: S608
        f"{_greatest(ps, _least(prov, act))} AS hs, {pe} AS he, {_greatest(ps, act)} AS xs, {_least(pe, dis)} AS xe "
        "FROM adoption_toolaccount t JOIN agents_agent a ON a.id = t.agent_id "
        f"LEFT JOIN organisation_site s ON s.id = a.site_id{' WHERE ' + only if only else ''}"
    )
    # Events up to the grid's first day all fall on it: they are summed there as one level (in post / holding /
    # activated on that day, one grouped pass); only later events are listed one by one.
    g0, g_last = (connection.ops.adapt_datefield_value(g) for g in (days[0], days[-1]))
    branches = [
        ("CAST(NULL AS BIGINT)", "ps", "ps", "pe", "ag", "1, 0, 0"),
        ("CAST(NULL AS BIGINT)", "pe", "ps", "pe", "ag", "-1, 0, 0"),
        ("tool_id", "hs", "hs", "he", "ac", "0, 1, 0"),
        ("tool_id", "he", "hs", "he", "ac", "0, -1, 0"),
        ("tool_id", "xs", "xs", "xe", "ac", "0, 0, 1"),
        ("tool_id", "xe", "xs", "xe", "ac", "0, 0, -1"),
    ]
    events = " UNION ALL ".join(
        f"SELECT {tool} AS tool_id, {sdims}, {d} AS d, {_as_deltas(deltas)} FROM {src} "  # noqa: S608
        f"WHERE {start} < {end} AND {d} > %s AND {d} <= %s"
        for tool, d, start, end, src, deltas in branches
    )
    events_params = [v for _ in branches for v in (g0, g_last)]
    first_day = days[0].toordinal()
    levels = (
        f"SELECT CAST(NULL AS BIGINT), {sdims}, %s, "  # noqa: S608
        f"SUM(CASE WHEN ps <= %s AND %s < pe THEN 1 ELSE 0 END), 0, 0 FROM ag GROUP BY {sdims} "
        f"UNION ALL SELECT tool_id, {sdims}, %s, 0, SUM(CASE WHEN hs <= %s AND %s < he THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN xs <= %s AND %s < xe THEN 1 ELSE 0 END) FROM ac GROUP BY tool_id, {sdims}"
    )
    levels_params = [first_day, g0, g0, first_day, g0, g0, g0, g0]
    # "WITH … INSERT" is understood by both SQLite and PostgreSQL; each expression is read once (MATERIALIZED).
    steps_sql = (
        f"WITH ag AS MATERIALIZED ({agents_iv}), ac AS MATERIALIZED ({accounts_iv}) "  # noqa: S608
        f"INSERT INTO {step} (tool_id, {sdims}, day, agents, provisioned, activated) "
        f"SELECT tool_id, {sdims}, b, SUM(da), SUM(dh), SUM(dx) FROM ("
        f"SELECT x.tool_id, x.direction_id, x.site_kind, x.category, x.filiere, x.statut, {bucket} AS b, "
        f"x.da, x.dh, x.dx FROM ({events}) x UNION ALL {levels}) y "
        f"WHERE b IS NOT NULL GROUP BY tool_id, {sdims}, b"
    )
    steps_params = only_params + only_params + bucket_params + events_params + levels_params
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The grouped inserts hash millions of rows at 2,000,000 agents: let them do it in memory.
            cursor.execute("SET LOCAL work_mem = '256MB'")
        if only:
            for table in (cell, step, group, place):
                cursor.execute(f"DELETE FROM {table}{where_cells}", only_params)  # noqa: S608
        elif connection.vendor == "postgresql":
            # TRUNCATE leaves no dead rows behind (a DELETE would double the tables until vacuumed); readers of
            # the old rows wait for the commit, as they would for the state row's lock.
            cursor.execute(f"TRUNCATE {cell}, {step}, {group}, {place}")
        else:
            for table in (cell, step, group, place):
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(cells_sql, cells_params)
        cursor.execute(groups_sql, only_params)
        cursor.execute(places_sql, only_params)
        cursor.execute(steps_sql, steps_params)
        if connection.vendor == "postgresql" and not only:
            # Fresh statistics for the planner: the tables were just refilled (a million rows at 2,000,000 agents).
            cursor.execute(f"ANALYZE {cell}, {group}, {place}, {step}")
        seconds = time.perf_counter() - start
        # `seconds` is the whole rebuild's cost (what a reader would wait for), not a few directions'.
        facts = {"built_at": timezone.now()} | ({} if only else {"seconds": seconds})
        SummaryState.objects.update_or_create(pk=1, defaults=facts)
    return seconds


# --- Reading --------------------------------------------------------------------------------------------------


def _scope_q(user, population: PopulationFilter, *, kind: str) -> Q:
    from relais.accounts.scopes import direction_scope

    q = direction_scope(user).q("direction")
    for field, values in (
        ("direction_id", population.directions),
        ("category", population.categories),
        (kind, population.site_kinds),
        ("statut", population.statuts),
        ("filiere", population.filieres),
    ):
        if values:
            q &= Q(**{f"{field}__in": sorted(values)})
    return q


def _tool_q(tool) -> Q:
    return Q(tool__isnull=True) | Q(tool=tool)


SUMS = {"agents": Sum("agents"), "provisioned": Sum("provisioned"), "activated": Sum("activated")}


# Cube dimensions found in the coarse groups, and their column there.
COARSE = {
    "direction_id": "direction_id",
    "site__kind": "site_kind",
    "category": "category",
    "filiere": "filiere",
    "statut": "statut",
}


# Cube dimensions found in the places (no filter).
PLACE = ("direction_id", "service_id", "site_id")


def cells(*, user, tool, population: PopulationFilter, fields: list[str]) -> list[dict]:
    """Today's counts grouped by `fields` (cube dimension names: direction_id, site__kind…) for `tool`.

    Read from the coarse groups when `fields` has no service or site (a few thousand rows), from the places when
    only direction, service and site are asked with no filter, else from the cells.
    """
    if all(f in COARSE for f in fields):
        rows = (
            AdoptionGroup.objects.filter(_scope_q(user, population, kind="site_kind"), _tool_q(tool))
            .values(*[COARSE[f] for f in fields])
            .annotate(**SUMS, recent=Sum("recent"))
            .order_by()
        )
        return [{f: r[COARSE[f]] for f in fields} | _counts(r) for r in rows]
    if population == PopulationFilter() and all(f in PLACE for f in fields):
        rows = (
            AdoptionPlace.objects.filter(_scope_q(user, population, kind="site__kind"), _tool_q(tool))
            .values(*fields)
            .annotate(**SUMS, recent=Sum("recent"))
            .order_by()
        )
        return [r | _counts(r) for r in rows]
    rows = (
        AdoptionCell.objects.filter(_scope_q(user, population, kind="site__kind"), _tool_q(tool))
        .values(*fields)
        .annotate(**SUMS, recent=Sum("recent"))
        .order_by()
    )
    return [r | _counts(r) for r in rows]


def _counts(r: dict) -> dict:
    return {k: r[k] or 0 for k in ("agents", "provisioned", "activated", "recent")}


def _raw(queryset) -> list[tuple]:
    """The rows of a values_list() queryset read straight from the cursor (no per-row converters: integers only)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def sums_by(*, user, tool, population: PopulationFilter, dimensions) -> dict[str, dict]:
    """{dimension: {key: [agents, provisioned, activated, recent]}} for the cube's DIMENSIONS, in three queries.

    The coarse groups (direction, site kind, category, filière, statut: a few thousand rows) are read once and
    summed each way in Python; services and sites are grouped in SQL (from the places table with no filter,
    else from the cells).
    """
    counts = [Sum("agents"), Sum("provisioned"), Sum("activated"), Sum("recent")]
    groups = _raw(
        AdoptionGroup.objects.filter(_scope_q(user, population, kind="site_kind"), _tool_q(tool))
        .values_list(
            "direction_id", "site_kind", "category", "filiere", "statut", "agents", "provisioned", "activated", "recent"
        )
        .order_by()
    )
    kw = {"user": user, "tool": tool, "population": population, "dimensions": dimensions, "counts": counts}
    if connection.vendor != "postgresql":
        return _sums_by(**kw, groups=groups)
    with transaction.atomic(), connection.cursor() as cursor:
        # Grouping 80,000 sites (2,000,000 agents) in memory rather than in batches on disk.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        return _sums_by(**kw, groups=groups)


def _sums_by(*, user, tool, population, dimensions, counts, groups) -> dict[str, dict]:
    coarse = ["direction_id", "site__kind", "category", "filiere", "statut"]
    if population == PopulationFilter():
        places = AdoptionPlace.objects.filter(_scope_q(user, population, kind="site__kind"), _tool_q(tool))
        by_place = {
            dim: _raw(places.values_list(dim).annotate(*counts).order_by()) for dim in ("service_id", "site_id")
        }
    else:
        # Filtered: the cells are large (a million rows at 2,000,000 agents): one pass, by (service, site).
        pairs = _raw(
            AdoptionCell.objects.filter(_scope_q(user, population, kind="site__kind"), _tool_q(tool))
            .values_list("service_id", "site_id")
            .annotate(*counts)
            .order_by()
        )
        by_place = {"service_id": {}, "site_id": {}}
        for row in pairs:
            for i, dim in enumerate(("service_id", "site_id")):
                bucket = by_place[dim].setdefault(row[i], [0, 0, 0, 0])
                for k in range(4):
                    bucket[k] += row[2 + k]
        by_place = {dim: [(key, *v) for key, v in sums.items()] for dim, sums in by_place.items()}
    out = {dim: {} for dim in dimensions}
    for row in groups:
        values = row[5:]
        for i, dim in enumerate(coarse):
            bucket = out[dim].setdefault(row[i], [0, 0, 0, 0])
            for k in range(4):
                bucket[k] += values[k] or 0
    for dim, rows in by_place.items():
        out[dim] = {row[0]: row[1:] for row in rows}  # sums over non-empty groups: never NULL
    return out


def funnel_counts(*, user, population: PopulationFilter) -> tuple[int, dict[int, tuple[int, int, int]]]:
    """(agents in post, {tool id: (provisioned, activated, recent)}) today."""
    rows = (
        AdoptionGroup.objects.filter(_scope_q(user, population, kind="site_kind"))
        .values("tool_id")
        .annotate(**SUMS, recent=Sum("recent"))
        .order_by()
    )
    agents, by_tool = 0, {}
    for r in rows:
        if r["tool_id"] is None:
            agents = r["agents"] or 0
        else:
            by_tool[r["tool_id"]] = (r["provisioned"] or 0, r["activated"] or 0, r["recent"] or 0)
    return agents, by_tool


def trend_counts(*, user, tool, population: PopulationFilter, days: list[datetime.date]) -> list[tuple[int, int, int]]:
    """(agents in post, holding an account, activated) on each grid day, summing the steps up to it."""
    rows = (
        TrendStep.objects.filter(_scope_q(user, population, kind="site_kind"), _tool_q(tool))
        .values("day")
        .annotate(**SUMS)
        .order_by("day")
    )
    steps = [(r["day"], r["agents"] or 0, r["provisioned"] or 0, r["activated"] or 0) for r in rows]
    out, i, running = [], 0, [0, 0, 0]
    for day in sorted(d.toordinal() for d in days):
        while i < len(steps) and steps[i][0] <= day:
            for k in range(3):
                running[k] += steps[i][k + 1]
            i += 1
        out.append(tuple(running))
    by_day = dict(zip(sorted(d.toordinal() for d in days), out, strict=True))
    return [by_day[d.toordinal()] for d in days]


def usable(day: datetime.date) -> bool:
    """True when `day` is today and the summary may be read: fresh (exact figures), or behind the data when
    rebuilding is too slow to wait for (`behind()` then says since when)."""
    return day == timezone.localdate() and ensure_fresh(wait=False)


def met_by_stratum(*, user, tool) -> dict[tuple, tuple[int, int]]:
    """{(direction id, category, site kind): (accounts held, activated)} today among the agents met."""
    rows = (
        AdoptionGroup.objects.filter(_scope_q(user, PopulationFilter(), kind="site_kind"), tool=tool, met=True)
        .values("direction_id", "category", "site_kind")
        .annotate(provisioned=Sum("provisioned"), activated=Sum("activated"))
        .order_by()
    )
    return {
        (r["direction_id"], r["category"], r["site_kind"]): (r["provisioned"] or 0, r["activated"] or 0) for r in rows
    }
