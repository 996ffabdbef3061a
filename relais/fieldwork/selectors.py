"""Reads for the field-work screens: participant search, the mediator's day, a visit's summary, lists."""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from rapidfuzz.distance import Indel

from relais.agents.models import Agent
from relais.core.text import fold
from relais.fieldwork.enums import ActivityKind, VisitStatus
from relais.fieldwork.models import Activity, Participation, Visit

# Bounds keeping a search fast whatever the referential's size: candidates fetched per strategy.
SITE_CANDIDATES = 3000
PREFIX_CANDIDATES = 250
WORD_CANDIDATES = 200
MIN_SCORE = 72.0
# Every typed word must match a word of the name at least this well (a typo or two): a mean over the words let
# "traore jacq" list Pierre JACQUET ("jacq" perfect, "traore" matching nothing) above the threshold.
WORD_MIN_SCORE = 70.0


@dataclass(frozen=True)
class AgentHit:
    agent: Agent
    score: float
    on_site: bool
    already: bool = False


def _starting_with(qs: QuerySet, field: str, prefix: str, cap: int) -> list[tuple[int, str]]:
    """(pk, search_text) of at most `cap` rows whose `field` starts with `prefix`, read in index order.

    Only the lower bound goes to the database (`field >= prefix ORDER BY field LIMIT cap`), the prefix is
    checked here: the scan stops after `cap` index entries whatever the prefix. With both bounds in SQL,
    PostgreSQL estimates the rows of a range inside one histogram bucket (69 for 'gaut', 22,596 in the
    2,000,000-agent demo) and sorts a bitmap scan of them all (280 ms) instead of reading 250 in order.
    (A range, not LIKE 'x%': SQLite's LIKE is case-insensitive and cannot use the B-tree index.)
    """
    if field == "search_text" and connection.vendor == "postgresql":
        # PostgreSQL indexes search_text with varchar_pattern_ops only (agents migration 0003): its operators
        # (~>=~, ordered USING ~<~) compare bytes whatever the collation. Django cannot write that ORDER BY.
        first = RawSQL(PATTERN_PREFIX_SQL, (prefix, cap))  # noqa: S611 (constant SQL, bound parameters)
        rows = qs.filter(pk__in=first).values_list("pk", "search_text", "search_text")
    else:
        rows = qs.filter(**{f"{field}__gte": prefix}).order_by(field).values_list("pk", "search_text", field)[:cap]
    return [(pk, text) for pk, text, value in rows if value.startswith(prefix)]


PATTERN_PREFIX_SQL = (
    'SELECT "id" FROM "agents_agent" WHERE "search_text" ~>=~ %s ORDER BY "search_text" USING ~<~ LIMIT %s'
)


def _ratio(a: str, b: str) -> float:
    return Indel.normalized_similarity(a, b) * 100


def _word_score(query_token: str, word: str) -> float:
    """How well one typed word matches one word of a name: exact, a prefix being typed, else its closeness."""
    n = len(query_token)
    if word.startswith(query_token):
        return 100.0 if len(word) == n else 96.0  # still typing: "dupon" ranks just below "dupont" typed whole
    best = _ratio(query_token, word)
    if len(word) > n:
        best = max(best, _ratio(query_token, word[:n]) - 4)
    return best


def score_name(query_tokens: list[str], search_text: str, memo: dict | None = None) -> float:
    """Mean over the typed words of their best match among the name's words (`memo`: scores already computed);
    0 when one typed word matches no word of the name well enough (`WORD_MIN_SCORE`): every word must match."""
    words = search_text.split()
    if not query_tokens or not words:
        return 0.0
    memo = {} if memo is None else memo
    total = 0.0
    for token in query_tokens:
        best = 0.0
        for word in words:
            # Names repeat (thousands of "martin", "marie"): each pair is scored once per search.
            score = memo.get((token, word))
            if score is None:
                score = memo[(token, word)] = _word_score(token, word)
            if score > best:
                best = score
        if best < WORD_MIN_SCORE:
            return 0.0
        total += best
    return total / len(query_tokens)


def agent_search(*, user, query: str, site=None, limit: int = 8, exclude_ids=()) -> list[AgentHit]:
    """Agents matching a few letters of a name or matricule, accent- and typo-tolerant, the site's agents first.

    Candidates come from the site's own agents and from index range scans on the folded `search_text` (one per
    typed word: the name starts with it); rapidfuzz ranks that bounded set, so the cost does not grow with the
    referential. Only when that finds too little does a bounded scan look for the word further in the name
    (a first name, a birth name after a usage name) or widen a typo.
    """
    tokens = [t for t in fold(query).split() if t][:4]
    if not tokens or sum(len(t) for t in tokens) < 2:
        return []
    base = Agent.objects.visible_to(user).order_by()
    # (pk, search_text) only: SQLite answers from the search_text index alone (a covering index), no table reads.
    candidates: dict[int, str] = {}
    on_site: set[int] = set()

    def collect(rows) -> None:
        for pk, text in rows:
            candidates[pk] = text

    memo: dict = {}

    def ranked() -> list[tuple]:
        scored = []
        for pk, text in candidates.items():
            score = score_name(tokens, text, memo)
            if score >= MIN_SCORE:
                scored.append((pk not in on_site, -score, text, pk))
        scored.sort()
        return scored

    if site is not None:
        for pk, text in base.filter(site=site).values_list("pk", "search_text")[:SITE_CANDIDATES]:
            candidates[pk] = text
            on_site.add(pk)
    words = [t for t in tokens if not t.isdigit() and len(t) >= 2]
    for token in tokens:
        if token.isdigit():
            collect(_starting_with(base, "matricule", token, 20))
    leading: dict[str, int] = {}  # per typed word: how many names start with it (up to the cap)
    for token in words:
        # Four letters when typed (fewer false candidates), three otherwise; a typo after them is forgiven.
        stem = token[:4] if len(token) >= 5 else token[:3]
        rows = _starting_with(base, "search_text", stem, PREFIX_CANDIDATES)
        collect(rows)
        if len(token) > len(stem) and len(rows) == PREFIX_CANDIDATES and max(text for _, text in rows) < token:
            # The whole word too: among thousands of "bert…", the first 250 may all come before "bertrand".
            rows = _starting_with(base, "search_text", token, PREFIX_CANDIDATES)
            collect(rows)
        starting = sum(1 for _, text in rows if text.startswith(token))
        # The rows read stop at the cap: if the last one still starts with the word, more may follow.
        full = len(rows) == PREFIX_CANDIDATES and max(text for _, text in rows).startswith(token)
        leading[token] = PREFIX_CANDIDATES if full else starting
    scored = ranked()
    # Enough, or every typed word already matched someone (first and last name typed): no scan needed.
    if words and len(scored) < limit and not (len(words) > 1 and scored and -scored[0][1] >= 90):
        if connection.vendor == "postgresql":
            _inner_words_postgresql(base, words, leading, collect)
        else:
            for token in words:
                if len(token) >= 3:
                    inner = base.filter(search_text__contains=f" {token[:4]}")
                    collect(inner.values_list("pk", "search_text")[:WORD_CANDIDATES])
        for token in words:
            if len(token) >= 5:  # a typo in the fourth letter ("duopnt"): three letters
                collect(_starting_with(base, "search_text", token[:3], PREFIX_CANDIDATES))
        scored = ranked()
    # Agents who left are dropped here, on the few best rows only.
    best = scored[: limit * 2]
    agents = Agent.objects.select_related("direction", "site").in_post().in_bulk([row[3] for row in best])
    excluded = set(exclude_ids)
    hits = [
        AgentHit(agent=agents[pk], score=-neg_score, on_site=pk in on_site, already=pk in excluded)
        for _, neg_score, _, pk in best
        if pk in agents
    ]
    return hits[:limit]


def _inner_words_postgresql(base: QuerySet, words: list[str], leading: dict[str, int], collect) -> None:
    """Words further inside the name (a first name, a birth name), through the trigram GIN index.

    Several words: one query where every word appears, which the index narrows to a few rows. One word:
    `LIKE '% word%'`, only when few names *start* with it — the index cannot tell a word's start from the
    name's, so a common surname ("bertrand…", 22,000 rows) would be read and rechecked by thousands.
    """
    long_words = [w for w in words if len(w) >= 3]
    if len(long_words) > 1:
        every = base
        for word in long_words:
            every = every.filter(search_text__contains=word)
        collect(every.values_list("pk", "search_text")[:WORD_CANDIDATES])
    for word in long_words:
        if leading.get(word, 0) < PREFIX_CANDIDATES:
            collect(base.filter(search_text__contains=f" {word}").values_list("pk", "search_text")[:WORD_CANDIDATES])


def site_search(*, query: str, limit: int = 8):
    """Active sites whose folded name contains every typed word (visits are recorded on any site)."""
    from relais.organisation.models import Site

    tokens = fold(query).split()
    if not tokens:
        return []
    qs = Site.objects.filter(is_active=True).select_related("direction")
    for token in tokens:
        qs = qs.filter(Q(name__icontains=token) | Q(postcode__startswith=token))
    return list(qs.order_by("name")[:limit])


def my_day(*, user, day: datetime.date) -> QuerySet[Visit]:
    """The visits of `user` on `day`, in time order, with their counts."""
    return (
        Visit.objects.visible_to(user)
        .of_mediator(user)
        .filter(date=day)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("site")
        .annotate(
            n_activities=Count("activities", filter=Q(activities__deleted_at__isnull=True), distinct=True),
            n_participants=Count(
                "activities__participations",
                filter=Q(activities__deleted_at__isnull=True, activities__participations__deleted_at__isnull=True),
                distinct=True,
            ),
        )
        .order_by("starts_at", "pk")
    )


def sheet_rows(activity: Activity, *, user) -> QuerySet[Participation]:
    """The participants of `activity` that `user` may see, in sheet order: the ONE read behind every list of
    participants (activity page, live sheet, PDF, visit summary), through the rule the exports use
    (`Participation.objects.visible_to`), so that no screen shows an agent its reader may not see.
    """
    return (
        Participation.objects.visible_to(user)
        .filter(activity=activity)
        .select_related("agent__direction", "direction")
        .prefetch_related("apps_installed")
        .order_by("created_at", "pk")
    )


@dataclass
class Sheet:
    """The participants a reader may see, and how many more are on the sheet (agents of other directions)."""

    rows: list
    hidden: int = 0

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)


def _alive_count(activity: Activity) -> int:
    return activity.participations.filter(deleted_at__isnull=True).count()


def sheet_counts(activity: Activity, *, user) -> tuple[int, int]:
    """(participants `user` may see, participants hidden from them) on the sheet: the counter, in two counts."""
    shown = Participation.objects.visible_to(user).filter(activity=activity).count()
    return shown, max(_alive_count(activity) - shown, 0)


def participants_of(activity: Activity, *, user) -> Sheet:
    """The activity's sheet as `user` may read it, with the count of the participants hidden from them."""
    rows = list(sheet_rows(activity, user=user))
    return Sheet(rows=rows, hidden=max(_alive_count(activity) - len(rows), 0))


def sheet_version(activity: Activity) -> str:
    """Changes whenever a line of the sheet is added, changed or deleted (deletion is a change: `updated_at`)."""
    seen = activity.participations.aggregate(n=Count("pk"), last=Max("updated_at"))
    return f"{seen['n']}.{seen['last'].timestamp():.6f}" if seen["last"] else "0"


def activities_of(visit: Visit, *, user) -> list[Activity]:
    """The visit's activities, each with the participants `user` may see prefetched and `hidden` counted."""
    visible = (
        Participation.objects.visible_to(user).select_related("agent", "direction").prefetch_related("apps_installed")
    )
    activities = list(
        visit.activities.filter(deleted_at__isnull=True)
        .annotate(n_alive=Count("participations", filter=Q(participations__deleted_at__isnull=True)))
        .prefetch_related("topics", Prefetch("participations", queryset=visible.order_by("created_at", "pk")))
        .order_by("created_at", "pk")
    )
    for activity in activities:
        activity.hidden = max(activity.n_alive - len(activity.participations.all()), 0)
    return activities


@dataclass
class VisitSummary:
    activities: int = 0
    accompaniments: int = 0
    distinct_agents: int = 0
    walk_ins: int = 0
    activations: int = 0
    password_resets: int = 0
    apps_installed: int = 0
    followups: int = 0
    redirections: int = 0
    minutes: int = 0
    by_kind: dict = field(default_factory=dict)
    followup_rows: list = field(default_factory=list)
    hidden: int = 0


def visit_summary(visit: Visit, *, user) -> VisitSummary:
    """The figures shown before closing: a workshop of 10 counts 10 accompaniments; agents are counted distinct.

    Only the participants `user` may see are counted; `hidden` says how many others the sheets hold.
    """
    summary = VisitSummary()
    agents = set()
    for activity in activities_of(visit, user=user):
        summary.hidden += activity.hidden
        summary.activities += 1
        summary.minutes += activity.duration_minutes
        label = activity.get_kind_display()
        summary.by_kind[label] = summary.by_kind.get(label, 0) + 1
        for p in activity.participations.all():
            summary.accompaniments += 1
            if p.agent_id:
                agents.add(p.agent_id)
            if p.is_walk_in and not p.agent_id:
                summary.walk_ins += 1
            summary.activations += p.mailbox_activated
            summary.password_resets += p.password_reset
            summary.apps_installed += len(p.apps_installed.all())
            summary.redirections += bool(p.redirected_to)
            if p.followup_needed:
                summary.followups += 1
                summary.followup_rows.append(p)
    summary.distinct_agents = len(agents) + summary.walk_ins
    return summary


def open_followups(*, user) -> QuerySet[Participation]:
    """The mediator's to-do list: follow-ups of their visits not yet done, oldest first."""
    qs = Participation.objects.visible_to(user).open_followups()
    return qs.select_related("agent", "direction", "activity__visit__site").order_by(
        "activity__visit__date", "created_at"
    )


# --- Lists and exports ------------------------------------------------------------------------------------------

OUTCOME_FILTERS = {
    "activation": ("Messagerie activée", Q(mailbox_activated=True)),
    "password": ("Mot de passe réinitialisé", Q(password_reset=True)),
    "app": ("Application installée", Q(apps_installed__isnull=False)),
    "followup": ("Suivi à prévoir", Q(followup_needed=True)),
    "followup_open": ("Suivi pas encore fait", Q(followup_needed=True, followup_done_on__isnull=True)),
    "redirected": ("Orienté ailleurs", ~Q(redirected_to="")),
    "walk_in": ("Hors référentiel", Q(is_walk_in=True)),
}


@dataclass(frozen=True)
class ParticipationFilters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    mediator: int | None = None
    direction: int | None = None
    site: int | None = None
    topic: int | None = None
    outcome: str | None = None
    kind: str | None = None


def participations_for(*, user, filters: ParticipationFilters, mine: bool = False) -> QuerySet[Participation]:
    """Participations `user` may see, filtered for the activity lists and exports (one row per participant)."""
    qs = Participation.objects.visible_to(user)
    if mine:
        qs = qs.filter(activity__visit__in=Visit.objects.of_mediator(user).values("pk"))
    f = filters
    if f.start:
        qs = qs.filter(activity__visit__date__gte=f.start)
    if f.end:
        qs = qs.filter(activity__visit__date__lte=f.end)
    if f.mediator:
        qs = qs.filter(activity__visit__in=Visit.objects.filter(mediators=f.mediator).values("pk"))
    if f.direction:
        qs = qs.filter(direction_id=f.direction)
    if f.site:
        qs = qs.filter(activity__visit__site_id=f.site)
    if f.topic:
        qs = qs.filter(activity__in=Activity.objects.filter(topics=f.topic).values("pk"))
    if f.kind and f.kind in ActivityKind.values:
        qs = qs.filter(activity__kind=f.kind)
    if f.outcome in OUTCOME_FILTERS:
        qs = qs.filter(pk__in=Participation.objects.filter(OUTCOME_FILTERS[f.outcome][1]).values("pk"))
    return qs.select_related("agent", "direction", "activity__visit__site").order_by(
        "-activity__visit__date", "activity__visit_id", "activity_id", "pk"
    )


def totals(qs: QuerySet[Participation]) -> dict:
    """Counts over a filtered list: accompaniments, distinct agents (walk-ins counted one each), outcomes."""
    agg = qs.order_by().aggregate(
        accompaniments=Count("pk"),
        agents=Count("agent", distinct=True),
        walk_ins=Count("pk", filter=Q(agent__isnull=True)),
        activations=Count("pk", filter=Q(mailbox_activated=True)),
        followups=Count("pk", filter=Q(followup_needed=True)),
        visits=Count("activity__visit", distinct=True),
    )
    agg["distinct_people"] = agg["agents"] + agg["walk_ins"]
    return agg
