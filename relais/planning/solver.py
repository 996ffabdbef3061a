"""The weekly plan as a prize-collecting vehicle-routing problem with time windows, behind our own interface.

Pure Python and numpy: no Django here, so that tests, the bench and the command build instances the same
way. The model (docs/planning.md):

- each site is worth the agents one session can reach there (`SiteOption.agents`, already capped by the
  capacity of a session), plus a small tie-break from its priority score;
- each site may be visited at most once in the week, in one of its windows of one day (the session
  must fit inside the window);
- each mediator-day is a vehicle leaving its start office at the start of its availability and back at
  its end office by the end;
- a fixed (confirmed or locked) visit is kept exactly: its mediator-day is cut into segments around it
  (office → fixed visit → … → office) and each segment is a vehicle of its own whose end depot is the
  next fixed visit's site with a deadline at its start time. The solver fills the gaps; it cannot move
  or drop a fixed visit.

Time runs on one axis for the week (minute of day + 1440 × day index), so a mediator-day can only
serve the clients of its own day.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from relais.planning.travel import ParisTransit, Point, TravelTimes

DAY = 1440
# The objective puts agents first: one agent is worth 1,000 while a visit's priority tie-break is at
# most 10 and a minute of travel costs 1, so the solver never gives up an agent for a shorter trip
# or a higher score (on small instances the order is strictly lexicographic, which the tests check).
AGENT_WEIGHT = 1000
PRIORITY_WEIGHT = 10


@dataclass(frozen=True)
class SiteOption:
    key: str
    name: str
    point: Point
    agents: int  # agents one session reaches there: the people still needing help, capped by a session's capacity
    windows: dict[int, tuple[tuple[int, int], ...]]  # day index → (opens, closes) minutes the session must fit in
    priority: float = 0.0  # 0..100, breaks ties between sites reaching as many agents
    area: str = ""  # postcode, for mediators' preferred areas


@dataclass(frozen=True)
class MediatorDay:
    mediator: str
    day: int  # 0 = Monday of the planned week
    available: tuple[int, int]  # minutes from midnight; part time is a shorter window or fewer days
    start: Point  # office the day starts from
    end: Point  # office the day ends at
    preferred_areas: frozenset[str] = frozenset()
    label: str = ""


@dataclass(frozen=True)
class FixedVisit:
    site: str
    mediator: str
    day: int
    start: int  # minute of day
    agents: int = 0


@dataclass
class Instance:
    sites: list[SiteOption]
    mediator_days: list[MediatorDay]
    fixed: list[FixedVisit] = field(default_factory=list)
    session_minutes: int = 60
    session_capacity: int = 12
    travel: TravelTimes = field(default_factory=ParisTransit)

    def __post_init__(self):
        self._matrix = None
        self.site_index = {s.key: i for i, s in enumerate(self.sites)}
        offices = []
        for md in self.mediator_days:
            for p in (md.start, md.end):
                if p not in offices:
                    offices.append(p)
        self.offices = offices
        self.office_index = {p: len(self.sites) + i for i, p in enumerate(offices)}

    @property
    def points(self) -> list[Point]:
        return [s.point for s in self.sites] + self.offices

    @property
    def matrix(self) -> np.ndarray:
        """Minutes between every place of the instance: sites first, then offices."""
        if self._matrix is None:
            self._matrix = np.asarray(self.travel.matrix(self.points), dtype=np.int64)
        return self._matrix

    @property
    def fixed_sites(self) -> set[str]:
        return {f.site for f in self.fixed}


@dataclass
class Stop:
    site: str
    start: int
    end: int
    agents: int
    fixed: bool = False


@dataclass
class Route:
    mediator: str
    day: int
    stops: list[Stop] = field(default_factory=list)


@dataclass
class Plan:
    routes: list[Route]
    method: str
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def agents(self) -> int:
        return sum(s.agents for r in self.routes for s in r.stops)

    @property
    def visits(self) -> int:
        return sum(len(r.stops) for r in self.routes)

    def stops(self):
        for r in self.routes:
            for s in r.stops:
                yield r, s


@dataclass(frozen=True)
class Segment:
    """A stretch of one mediator-day between two fixed points in time and space."""

    md: int  # index in instance.mediator_days
    start_loc: int
    start_time: int  # minute of day
    end_loc: int
    end_time: int


def segments(instance: Instance) -> tuple[list[Segment], dict[int, list[FixedVisit]]]:
    """Cut each mediator-day around its fixed visits; returns the free segments and the fixed visits by day."""
    svc = instance.session_minutes
    fixed_by_md: dict[int, list[FixedVisit]] = defaultdict(list)
    md_of = {(md.mediator, md.day): i for i, md in enumerate(instance.mediator_days)}
    for f in instance.fixed:
        i = md_of.get((f.mediator, f.day))
        if i is not None:
            fixed_by_md[i].append(f)
    out = []
    for i, md in enumerate(instance.mediator_days):
        loc, t = instance.office_index[md.start], md.available[0]
        for f in sorted(fixed_by_md.get(i, []), key=lambda f: f.start):
            site_loc = instance.site_index[f.site]
            out.append(Segment(i, loc, t, site_loc, f.start))
            loc, t = site_loc, f.start + svc
        out.append(Segment(i, loc, t, instance.office_index[md.end], md.available[1]))
    return out, fixed_by_md


def earliest_start(windows, arrival: int, svc: int) -> int | None:
    """First start ≥ arrival at which a session fits in one of the windows, or None."""
    for opens, closes in sorted(windows):
        start = max(arrival, opens)
        if start + svc <= closes:
            return start
    return None


def time_sequence(instance: Instance, seg: Segment, sites: list[int]) -> list[Stop]:
    """Earliest-start schedule of `sites` (indices) along `seg`, dropping any stop that no longer fits."""
    m, svc = instance.matrix, instance.session_minutes
    day = instance.mediator_days[seg.md].day
    stops: list[Stop] = []
    loc, t = seg.start_loc, seg.start_time
    for s in sites:
        site = instance.sites[s]
        start = earliest_start(site.windows.get(day, ()), t + int(m[loc, s]), svc)
        if start is None:
            continue
        # Keep it only if the rest of the segment can still end in time straight from here.
        if start + svc + int(m[s, seg.end_loc]) > seg.end_time:
            continue
        stops.append(Stop(site.key, start, start + svc, site.agents))
        loc, t = s, start + svc
    return stops


def assemble(instance: Instance, seg_stops: dict[Segment, list[Stop]], method: str, seconds: float) -> Plan:
    """Routes per mediator-day from the stops of each segment, with the fixed visits in place."""
    segs, fixed_by_md = segments(instance)
    routes = []
    for i, md in enumerate(instance.mediator_days):
        stops = [s for seg in segs if seg.md == i for s in seg_stops.get(seg, [])]
        for f in fixed_by_md.get(i, []):
            stops.append(Stop(f.site, f.start, f.start + instance.session_minutes, f.agents, fixed=True))
        stops.sort(key=lambda s: s.start)
        routes.append(Route(md.mediator, md.day, stops))
    return Plan(routes, method, seconds)


def prize(site: SiteOption) -> int:
    return AGENT_WEIGHT * site.agents + int(round(min(max(site.priority, 0), 100) * PRIORITY_WEIGHT / 100))


def _candidate_windows(instance: Instance, segs: list[Segment]):
    """(site, day, opens, latest start) of every window some free segment of that day can use."""
    m, svc = instance.matrix, instance.session_minutes
    fixed = instance.fixed_sites
    by_day: dict[int, list[Segment]] = defaultdict(list)
    for seg in segs:
        by_day[instance.mediator_days[seg.md].day].append(seg)
    out = []
    for s, site in enumerate(instance.sites):
        if site.key in fixed or site.agents <= 0:
            continue
        for day, windows in sorted(site.windows.items()):
            for opens, closes in windows:
                if closes - opens < svc:
                    continue
                for seg in by_day.get(day, ()):
                    start = max(opens, seg.start_time + int(m[seg.start_loc, s]))
                    if start + svc <= closes and start + svc + int(m[s, seg.end_loc]) <= seg.end_time:
                        out.append((s, day, opens, closes - svc))
                        break
    return out


# Above this many candidate clients the week is first solved day by day (see `solve`).
DIRECT_LIMIT = 1500


# Share of a large week's budget given to PyVRP; the local search across the week has the rest.
PYVRP_SHARE = 0.4


def solve(instance: Instance, *, time_limit: float = 10.0, seed: int = 1, warm_start: Plan | None = None) -> Plan:
    """Best plan found within about `time_limit` seconds (prize-collecting VRP with time windows).

    Small weeks go to PyVRP whole, then through the local search (`improve.py`), which never loses an
    agent. A Paris-sized week (thousands of sites × days × windows) is too large for PyVRP to search well
    in a minute: the warm start (the best greedy plan) is first improved by the local search; PyVRP then
    solves day after day on a pool of the most valuable sites still unvisited, then the whole week on the
    union of those pools (`_staged`), both warm-started; the rest of the time goes to the local search
    across the week (insert, replace, move a visit to another day and fill its place, then random
    restarts), which trades visits between days and reaches sites outside the pools.
    """
    from relais.planning.improve import improve, search

    began = time.perf_counter()
    segs, _ = segments(instance)
    if len(_candidate_windows(instance, segs)) <= DIRECT_LIMIT:
        plan = _solve_model(instance, time_limit=time_limit, seed=seed, warm_start=warm_start)
        better = improve(instance, plan, time_limit=max(time_limit * 0.2, 0.5))
        better.seconds = time.perf_counter() - began
        return better

    start = improve(instance, warm_start, time_limit=time_limit * 0.1) if warm_start is not None else None
    staged = _staged(instance, time_limit=PYVRP_SHARE * time_limit, seed=seed, warm_start=start)
    best = staged if start is None or staged.agents >= start.agents else start
    remaining = time_limit - (time.perf_counter() - began)
    if remaining > 1:
        best = search(instance, best, time_limit=remaining, seed=seed)
    best.method = "pyvrp+recherche locale"
    best.seconds = time.perf_counter() - began
    return best


def _staged(instance: Instance, *, time_limit: float, seed: int, warm_start: Plan | None) -> Plan:
    """PyVRP day after day on pools of valuable unused sites, then the whole week on the union of the pools."""
    began = time.perf_counter()
    svc = instance.session_minutes
    days = sorted({md.day for md in instance.mediator_days})
    used = set(instance.fixed_sites)
    fixed_keys = instance.fixed_sites
    routes: list[Route] = []
    pool_keys: set[str] = set()
    day_budget = 0.6 * time_limit / max(len(days), 1)
    ranked = sorted(instance.sites, key=lambda s: (-s.agents, -s.priority, s.key))
    for day in days:
        mds = [md for md in instance.mediator_days if md.day == day]
        pool = _day_pool(ranked, day, mds, used, svc) + [s for s in instance.sites if s.key in fixed_keys]
        # The warm start's visits of the day join the pool, so the day's search starts from them.
        day_start = None
        if warm_start is not None:
            day_routes = [r for r in warm_start.routes if r.day == day]
            in_pool = {s.key for s in pool}
            wanted = {st.site for r in day_routes for st in r.stops if not st.fixed and st.site not in used}
            pool += [instance.sites[instance.site_index[k]] for k in wanted - in_pool]
            day_start = Plan(
                [Route(r.mediator, r.day, [st for st in r.stops if st.fixed or st.site in wanted]) for r in day_routes],
                warm_start.method,
            )
        pool_keys.update(s.key for s in pool)
        sub = Instance(
            pool,
            mds,
            [f for f in instance.fixed if f.day == day],
            session_minutes=svc,
            session_capacity=instance.session_capacity,
            travel=instance.travel,
        )
        sub_plan = _solve_model(sub, time_limit=day_budget, seed=seed, warm_start=day_start)
        routes.extend(sub_plan.routes)
        used.update(s.site for r in sub_plan.routes for s in r.stops)
    staged = Plan(routes, "pyvrp", time.perf_counter() - began)
    remaining = time_limit - (time.perf_counter() - began)
    if remaining < 1:
        return staged
    pool = [s for s in instance.sites if s.key in pool_keys]
    week = Instance(
        pool,
        instance.mediator_days,
        instance.fixed,
        session_minutes=svc,
        session_capacity=instance.session_capacity,
        travel=instance.travel,
    )
    final = _solve_model(week, time_limit=remaining, seed=seed, warm_start=staged)
    best = final if final.agents >= staged.agents else staged
    best.seconds = time.perf_counter() - began
    return best


def _day_pool(ranked: list[SiteOption], day: int, mds: list[MediatorDay], used: set[str], svc: int, *, per=12):
    """The most valuable unused sites for each hour of the day, a few per mediator available then.

    Ranking by agents alone would fill the pool with sites open at the same hours (dawn depots) and
    leave the other hours of the day empty; each hour gets its own share instead.
    """
    chosen: dict[str, SiteOption] = {}
    for hour in range(24):
        lo, hi = hour * 60, hour * 60 + 59
        mediators = sum(md.available[0] <= hi and lo + svc <= md.available[1] for md in mds)
        if not mediators:
            continue
        taken = 0
        for s in ranked:
            if s.key in used or s.agents <= 0:
                continue
            if any(o <= hi and max(o, lo) + svc <= c for o, c in s.windows.get(day, ())):
                if s.key not in chosen:
                    chosen[s.key] = s
                taken += 1
                if taken >= per * mediators:
                    break
    return list(chosen.values())


def _solve_model(instance: Instance, *, time_limit: float, seed: int, warm_start: Plan | None = None) -> Plan:
    """One PyVRP run on the whole instance."""
    from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType
    from pyvrp import Route as PRoute
    from pyvrp import Solution as PSolution
    from pyvrp import solve as pyvrp_solve
    from pyvrp.stop import MaxRuntime

    began = time.perf_counter()
    segs, _ = segments(instance)
    m = instance.matrix
    points = instance.points
    locations = [Location(x=p[1], y=p[0]) for p in points]

    # Depots: one per place a segment starts or ends at.
    depot_of: dict[int, int] = {}
    depots = []
    for seg in segs:
        for loc in (seg.start_loc, seg.end_loc):
            if loc not in depot_of:
                depot_of[loc] = len(depots)
                depots.append(Depot(location=loc))

    # Vehicle types: identical segments share one type (fewer types, same model).
    type_of: dict[tuple, int] = {}
    type_segments: list[list[Segment]] = []
    for seg in segs:
        day = instance.mediator_days[seg.md].day
        if seg.end_time <= seg.start_time:
            continue
        key = (day, seg.start_loc, seg.start_time, seg.end_loc, seg.end_time)
        if key not in type_of:
            type_of[key] = len(type_segments)
            type_segments.append([])
        type_segments[type_of[key]].append(seg)
    vehicle_types = []
    for segs_of_type in type_segments:
        seg = segs_of_type[0]
        offset = instance.mediator_days[seg.md].day * DAY
        vehicle_types.append(
            VehicleType(
                num_available=len(segs_of_type),
                start_depot=depot_of[seg.start_loc],
                end_depot=depot_of[seg.end_loc],
                tw_early=offset + seg.start_time,
                tw_late=offset + seg.end_time,
                unit_distance_cost=1,
            )
        )

    # Clients: one per usable window; all windows of a site in one optional, mutually exclusive group.
    windows = _candidate_windows(instance, segs)
    by_site: dict[int, list[tuple]] = defaultdict(list)
    for w in windows:
        by_site[w[0]].append(w)
    clients, groups, client_info = [], [], []
    svc = instance.session_minutes
    for s, ws in by_site.items():
        group_idx = None
        if len(ws) > 1:
            group_idx = len(groups)
            groups.append(ClientGroup(required=False))
        for _, day, opens, latest in ws:
            if group_idx is not None:
                groups[group_idx].add_client(len(clients))
            clients.append(
                Client(
                    location=s,
                    service_duration=svc,
                    tw_early=day * DAY + opens,
                    tw_late=day * DAY + latest,
                    prize=prize(instance.sites[s]),
                    required=False,
                    group=group_idx,
                )
            )
            client_info.append((s, day))

    notes = []
    if not clients or not vehicle_types:
        plan = assemble(instance, {}, "pyvrp", time.perf_counter() - began)
        plan.notes.append("Aucune visite possible en dehors des visites fixées.")
        return plan

    data = ProblemData(
        locations=locations, clients=clients, depots=depots, vehicle_types=vehicle_types,
        distance_matrices=[m], duration_matrices=[m], groups=groups,
    )  # fmt: skip

    initial = None
    if warm_start is not None:
        initial = _to_pyvrp(instance, warm_start, data, type_segments, client_info, len(depots), PRoute, PSolution)
    result = pyvrp_solve(
        data,
        stop=MaxRuntime(time_limit),
        seed=seed,
        collect_stats=False,
        display=False,
        initial_solution=initial,
    )
    best = result.best
    if not best.is_feasible():
        notes.append("La meilleure solution trouvée n'était pas faisable : visites en trop retirées.")

    seg_stops: dict[Segment, list[Stop]] = {}
    routes_by_type: dict[int, list] = defaultdict(list)
    for r in best.routes():
        visits = [act.idx for act in r.schedule() if act.is_client()]
        routes_by_type[r.vehicle_type()].append([client_info[c][0] for c in visits])
    for vt, seqs in routes_by_type.items():
        free = list(type_segments[vt])
        # Interchangeable segments: give each route to the mediator who prefers most of its areas.
        for seq in sorted(seqs, key=len, reverse=True):
            areas = [instance.sites[s].area for s in seq]
            seg = max(free, key=lambda g: sum(a in instance.mediator_days[g.md].preferred_areas for a in areas))
            free.remove(seg)
            seg_stops[seg] = time_sequence(instance, seg, seq)
    plan = assemble(instance, seg_stops, "pyvrp", time.perf_counter() - began)
    plan.notes.extend(notes)
    return plan


def _to_pyvrp(instance, plan, data, type_segments, client_info, num_depots, PRoute, PSolution):
    """A plan (the greedy one, say) as a PyVRP solution, to start the search from it."""
    client_of = {}
    for c, (s, day) in enumerate(client_info):
        client_of.setdefault((s, day), []).append(c)
    seg_type = {seg: t for t, segs in enumerate(type_segments) for seg in segs}
    segs, _ = segments(instance)
    md_of = {(md.mediator, md.day): i for i, md in enumerate(instance.mediator_days)}
    clients_data = data.clients()
    routes = []
    for route in plan.routes:
        i = md_of[(route.mediator, route.day)]
        md_segs = [g for g in segs if g.md == i and g in seg_type]
        for seg in md_segs:
            visits = []
            for stop in route.stops:
                if stop.fixed:
                    continue
                s = instance.site_index[stop.site]
                within = seg.start_time <= stop.start and stop.end <= seg.end_time
                if not within:
                    continue
                for c in client_of.get((s, route.day), []):
                    cl = clients_data[c]
                    if cl.tw_early <= route.day * DAY + stop.start <= cl.tw_late:
                        visits.append(c)
                        break
            if visits:
                routes.append(PRoute(data, visits, seg_type[seg]))
    try:
        return PSolution(data, routes)
    except (ValueError, RuntimeError):
        return None
