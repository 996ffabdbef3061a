"""Reads for the field-work screens: participant search, the mediator's day, a visit's summary, lists."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from rapidfuzz.distance import Indel

from relais.agents.models import Agent
from relais.core.text import fold
from relais.fieldwork.enums import ActivityKind, VisitStatus
from relais.fieldwork.models import Activity, Participation, Visit

# Bounds keeping a search fast whatever the referential's size: candidates fetched per strategy.
SITE_CANDIDATES = 3000
PREFIX_CANDIDATES = 400
WORD_CANDIDATES = 200
MIN_SCORE = 72.0


@dataclass(frozen=True)
class AgentHit:
    agent: Agent
    score: float
    on_site: bool
    already: bool = False


def _next_string(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _starts_with(field: str, prefix: str) -> Q:
    # A range instead of LIKE 'x%': SQLite's LIKE is case-insensitive and cannot use the B-tree index.
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": _next_string(prefix)})


def _ratio(a: str, b: str) -> float:
    return Indel.normalized_similarity(a, b) * 100


def _token_score(query_token: str, words: list[str]) -> float:
    """How well one typed word matches the best word of a name: full match, else prefix being typed."""
    best = 0.0
    for word in words:
        if word == query_token:
            return 100.0
        full = _ratio(query_token, word)
        # Still typing: "dupon" against "dupont"; a prefix match ranks just below an exact word.
        prefix = _ratio(query_token, word[: len(query_token)]) - 4 if len(word) > len(query_token) else 0.0
        best = max(best, full, prefix)
    return best


def score_name(query_tokens: list[str], search_text: str) -> float:
    words = search_text.split()
    if not query_tokens or not words:
        return 0.0
    return sum(_token_score(t, words) for t in query_tokens) / len(query_tokens)


def agent_search(*, user, query: str, site=None, limit: int = 8, exclude_ids=()) -> list[AgentHit]:
    """Agents matching a few letters of a name or matricule, accent- and typo-tolerant, the site's agents first.

    Candidates come from the indexed `search_text` (prefix ranges per typed word, a bounded word search) and
    the site's own agents; rapidfuzz ranks that bounded set, so cost does not grow with the referential.
    """
    tokens = [t for t in fold(query).split() if t][:4]
    if not tokens or sum(len(t) for t in tokens) < 2:
        return []
    base = Agent.objects.visible_to(user)
    columns = ("pk", "search_text", "site_id", "exit_date")
    candidates: dict[int, tuple] = {}

    def collect(qs, cap: int) -> None:
        for row in qs.values_list(*columns)[:cap]:
            candidates[row[0]] = row

    if site is not None:
        collect(base.filter(site=site).order_by(), SITE_CANDIDATES)
    name_tokens = [t for t in tokens if not t.isdigit()]
    for token in tokens:
        if token.isdigit():
            collect(base.filter(_starts_with("matricule", token)).order_by("matricule"), 20)
            continue
        if len(token) < 2:
            continue
        # Four letters when typed (fewer false candidates), three otherwise; a typo after them is forgiven.
        stem = token[:4] if len(token) >= 5 else token[:3]
        collect(base.filter(_starts_with("search_text", stem)).order_by(), PREFIX_CANDIDATES)
        if len(token) >= 3:
            collect(base.filter(search_text__contains=f" {stem}").order_by(), WORD_CANDIDATES)
    if name_tokens and len(candidates) < limit and any(len(t) >= 5 for t in name_tokens):
        # A typo in the fourth letter ("duopnt"): widen to three letters.
        for token in name_tokens:
            if len(token) >= 5:
                collect(base.filter(_starts_with("search_text", token[:3])).order_by(), PREFIX_CANDIDATES)

    today = datetime.date.today()
    site_id = getattr(site, "pk", None)
    scored = []
    for pk, search_text, agent_site_id, exit_date in candidates.values():
        if exit_date is not None and exit_date <= today:
            continue
        score = score_name(tokens, search_text)
        if score < MIN_SCORE:
            continue
        on_site = site_id is not None and agent_site_id == site_id
        scored.append((not on_site, -score, search_text, pk, score, on_site))
    scored.sort()
    top = scored[:limit]
    agents = Agent.objects.select_related("direction", "site").in_bulk([row[3] for row in top])
    excluded = set(exclude_ids)
    return [
        AgentHit(agent=agents[pk], score=score, on_site=on_site, already=pk in excluded)
        for _, _, _, pk, score, on_site in top
        if pk in agents
    ]


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


def activities_of(visit: Visit) -> list[Activity]:
    live = Participation.objects.filter(deleted_at__isnull=True).select_related("agent", "direction")
    return list(
        visit.activities.filter(deleted_at__isnull=True)
        .prefetch_related("topics", Prefetch("participations", queryset=live.prefetch_related("apps_installed")))
        .order_by("created_at", "pk")
    )


def participants_of(activity: Activity) -> list[Participation]:
    return list(
        activity.participations.filter(deleted_at__isnull=True)
        .select_related("agent__direction", "direction")
        .prefetch_related("apps_installed")
        .order_by("created_at", "pk")
    )


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


def visit_summary(visit: Visit) -> VisitSummary:
    """The figures shown before closing: a workshop of 10 counts 10 accompaniments; agents are counted distinct."""
    summary = VisitSummary()
    agents = set()
    for activity in activities_of(visit):
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
