"""Routes of one mediator-day as columns: the pricing dynamic programme and the route-based bound.

Every free stretch of a mediator-day (`solver.Segment`) runs one route: office (or fixed visit) →
sessions → office (or next fixed visit). Stretches that start and end at the same places and times are
interchangeable and form a *kind* with a count.

The route master problem chooses routes so that each site is visited at most once a week and a kind
runs at most `count` routes:

    max Σ_r agents(r)·x_r   s.t.   Σ_r a_sr·x_r ≤ 1 (each site),   Σ_{r of kind k} x_r ≤ n_k,   x ≥ 0.

Its linear relaxation is far tighter than a time-indexed one, because a column is a whole route with
its real travel times. It is solved by column generation: `price` finds, for one kind and prices π on
the sites, the route of largest reduced value Σ (agents − π) over its sessions, by a dynamic programme
over minutes (labels = site window × start time, earliest start, waiting allowed). The programme
relaxes one rule only: a route may come back to a site it already visited (never straight away), so
its route set contains every feasible route.

**Soundness.** For any prices π ≥ 0 and any feasible plan,

    agents(plan) = Σ_routes Σ_visits (agents − π) + Σ_visited sites π
                 ≤ Σ_k n_k · max(0, best reduced route of kind k) + Σ_s π_s,

because every route of kind k is in the programme's route set and each site is visited at most once.
So every pricing round gives a valid upper bound (the Lagrangian bound), whatever the state of the
column generation; `route_bound` keeps the smallest one found within its time limit.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from relais.planning.solver import Instance, Plan, Segment, Stop, assemble, segments

NEG = -1e18


@dataclass
class Kind:
    day: int
    start_loc: int
    start_time: int
    end_loc: int
    end_time: int
    segments: list[Segment] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.segments)


@dataclass
class DayNodes:
    """The (site, window) pairs of one day, as arrays: site index, earliest and latest start."""

    site: np.ndarray
    opens: np.ndarray
    latest: np.ndarray


def kinds_of(instance: Instance) -> list[Kind]:
    segs, _ = segments(instance)
    out: dict[tuple, Kind] = {}
    for seg in segs:
        if seg.end_time <= seg.start_time:
            continue
        day = instance.mediator_days[seg.md].day
        key = (day, seg.start_loc, seg.start_time, seg.end_loc, seg.end_time)
        if key not in out:
            out[key] = Kind(*key)
        out[key].segments.append(seg)
    return list(out.values())


def day_nodes(instance: Instance) -> dict[int, DayNodes]:
    svc = instance.session_minutes
    fixed = instance.fixed_sites
    rows = defaultdict(list)
    for s, site in enumerate(instance.sites):
        if site.key in fixed or site.agents <= 0:
            continue
        for day, windows in site.windows.items():
            for opens, closes in windows:
                if closes - opens >= svc:
                    rows[day].append((s, opens, closes - svc))
    out = {}
    for day, r in rows.items():
        a = np.array(r, dtype=np.int64)
        a = a[np.argsort(a[:, 2], kind="stable")]  # by latest start: `price` reaches a suffix only
        out[day] = DayNodes(a[:, 0], a[:, 1], a[:, 2])
    return out


@dataclass
class Priced:
    value: float  # best reduced value of a route of the kind (0 for the empty route)
    routes: list[tuple[float, list[int], list[int]]]  # (reduced value, sites, start minutes), best first


def price(instance: Instance, kind: Kind, nodes: DayNodes, rho: np.ndarray, *, keep: int = 8, grid: int = 1) -> Priced:
    """Largest Σ rho over the sessions of a route of `kind`; a site may come back, but not as A → B → A.

    rho: reduced value of a session per site (agents − price). Labels are (site window, start minute)
    cells holding the two best partial routes whose previous sites differ ("2-cycle elimination"): an
    extension to site A uses the best label unless it came from A. Returns the best value and up to
    `keep` routes of positive reduced value ending at distinct site windows, rebuilt from the labels.

    grid: minutes per tick. With grid > 1 every time is rounded down to its tick and a leg (session +
    travel) counts its whole ticks only: each real route still fits, so the value is an upper bound (what
    the bound needs, faster), but the routes returned may not be feasible as they are.
    """
    m, svc = instance.matrix, instance.session_minutes
    t0, t1 = kind.start_time // grid, kind.end_time  # t0 in ticks, t1 in minutes
    width = t1 // grid - t0 + 1
    site, opens, latest = nodes.site, nodes.opens // grid, nodes.latest // grid
    usable = (latest >= t0) & (np.maximum(opens, t0) * grid + svc <= t1)
    site, opens, latest = site[usable], opens[usable], latest[usable]
    n = len(site)
    if n == 0:
        return Priced(0.0, [])
    gain = rho[site]
    # Cells: best value and its previous node (-1: the stretch's start), second best from another site.
    v1 = np.full(n * width, NEG)
    v2 = np.full(n * width, NEG)
    p1 = np.full(n * width, NONE, dtype=np.int64)
    p2 = np.full(n * width, NONE, dtype=np.int64)
    site_of = np.append(site, [NONE, START])  # previous node → its site; START and NONE index from the end
    first = np.maximum((kind.start_time + m[kind.start_loc, site]) // grid, opens)
    ok = np.flatnonzero((first <= latest) & (first * grid + svc <= t1))
    v1[ok * width + first[ok] - t0] = gain[ok]
    p1[ok * width + first[ok] - t0] = START
    back = m[site, kind.end_loc]
    legs = (svc + m[np.ix_(site, site)]) // grid  # ticks from one start to the next
    same = site[:, None] == site[None, :]
    # Best labels so far at each node (earlier blocks): value and previous node; second best likewise.
    b1, q1, b2, q2 = np.full(n, NEG), np.full(n, NONE), np.full(n, NEG), np.full(n, NONE)
    closing = np.full(n, NEG)  # best label at each node from which the end can still be reached
    closing_t = np.zeros(n, dtype=np.int64)
    # A label's successors start a whole session later at least: the labels of one block of `svc`
    # minutes are all final when the block begins, and are extended together.
    block = max(svc // grid, 1)
    for t_block in range(0, width, block):
        span = min(block, width - t_block)
        ids = np.arange(n)[:, None] * width + t_block + np.arange(span)[None, :]
        # Best before each minute of the block (earlier blocks, then earlier minutes of this one): the
        # best value and its previous site; and a value two labels from different sites reach.
        head1 = np.concatenate([b1[:, None], v1[ids]], axis=1)
        head_site = np.concatenate([site_of[q1][:, None], site_of[p1[ids]]], axis=1)
        run1 = np.maximum.accumulate(head1, axis=1)
        at = np.maximum.accumulate(np.where(head1 >= run1, np.arange(span + 1)[None, :], 0), axis=1)
        run_site = np.take_along_axis(head_site, at, axis=1)[:, :span]
        run2 = np.maximum.accumulate(np.concatenate([b2[:, None], v2[ids]], axis=1), axis=1)[:, :span]
        run1 = run1[:, :span]
        node, off = np.nonzero(v1[ids] > run2 + EPS)
        if len(node) == 0:
            continue
        cells = ids[node, off]
        c1, c2 = v1[cells], v2[cells]
        r1, r2 = site_of[p1[cells]], site_of[p2[cells]]
        best, best_site, floor2 = run1[node, off], run_site[node, off], run2[node, off]
        dom1 = (c1 <= floor2 + EPS) | ((r1 == best_site) & (c1 <= best + EPS))
        dom2 = (c2 <= floor2 + EPS) | ((r2 == best_site) & (c2 <= best + EPS))
        live = ~(dom1 & dom2)
        node, cells, c1, c2, r1 = node[live], cells[live], c1[live], c2[live], r1[live]
        if len(node) == 0:
            continue
        tick = t0 + cells - node * width  # absolute tick of each label
        # Routes may end here if the end is reachable in time.
        home = np.flatnonzero(tick * grid + svc + back[node] <= t1)
        if len(home):
            order = home[np.argsort(c1[home], kind="stable")]
            better = order[c1[order] > closing[node[order]] + EPS]
            closing[node[better]], closing_t[node[better]] = c1[better], tick[better] - t0
        # Merge the block's labels into the running best of their nodes.
        _scatter(b1, q1, b2, q2, site_of, node, c1, p1[cells])
        second = c2 > NEG / 2
        if second.any():
            _scatter(b1, q1, b2, q2, site_of, node[second], c2[second], p2[cells[second]])
        s1 = site_of[q1]
        lo = int(np.searchsorted(latest, t0 + t_block + svc // grid))  # windows still open after a session
        if lo == n:
            continue
        for chunk in range(0, len(node), 512):
            sl = slice(chunk, chunk + 512)
            src_node, src_tick = node[sl], tick[sl]
            start = np.maximum(src_tick[:, None] + legs[src_node, lo:], opens[None, lo:])
            reach = (start <= latest[None, lo:]) & (start * grid + svc <= t1) & ~same[src_node, lo:]
            src, dst = np.nonzero(reach)
            start = start[src, dst]
            dst += lo
            from_a = r1[sl][src] != site[dst]  # the best label unless it came from the destination's site
            vals = np.where(from_a, c1[sl][src], c2[sl][src]) + gain[dst]
            prev_site = site[src_node[src]]
            # Useless if an earlier label of the destination, or one already in the same cell, is as good.
            dst_cells = dst * width + (start - t0)
            floor = np.maximum(b2[dst], v2[dst_cells])
            useful = (vals > floor + EPS) & (
                ((vals > b1[dst] + EPS) | (prev_site != s1[dst]))
                & ((vals > v1[dst_cells] + EPS) | (prev_site != site_of[p1[dst_cells]]))
            )
            if useful.any():
                _scatter(v1, p1, v2, p2, site_of, dst_cells[useful], vals[useful], src_node[src[useful]])
    value = max(0.0, float(closing.max()))
    routes = []
    if value > EPS:
        for j in np.argsort(-closing)[:keep]:
            if closing[j] <= EPS:
                break
            seq = _rebuild(int(j), int(closing_t[j]), (v1, p1, v2, p2), site_of, width, site, gain, legs)
            if seq is not None:
                routes.append((float(closing[j]), [int(site[k]) for k, _ in seq], [(t0 + t) * grid for _, t in seq]))
    return Priced(value, routes)


EPS = 1e-9
START, NONE = -1, -2


def _two_best(vals: np.ndarray, sites: np.ndarray):
    """Per row: the best value and its previous site, then the best value whose previous site differs."""
    r = np.arange(len(vals))
    i1 = vals.argmax(axis=1)
    top, top_site = vals[r, i1], sites[r, i1]
    other = np.where(sites != top_site[:, None], vals, NEG)
    i2 = other.argmax(axis=1)
    return top, top_site, other[r, i2], sites[r, i2]


def _scatter(v1, p1, v2, p2, site_of, cells, vals, prev):
    """Write candidate labels into their cells, keeping per cell the two best from different sites."""
    old1, old_p1, old2, old_p2 = v1[cells], p1[cells], v2[cells], p2[cells]
    np.maximum.at(v1, cells, vals)
    won = vals >= v1[cells]
    p1[cells[won]] = prev[won]
    top_site = site_of[p1[cells]]
    # Second best: candidates, the former best and the former second, from another site than the best.
    v2[cells] = NEG
    p2[cells] = NONE
    for value, before in ((vals, prev), (old1, old_p1), (old2, old_p2)):
        other = site_of[before] != top_site
        np.maximum.at(v2, cells[other], value[other])
    for value, before in ((vals, prev), (old1, old_p1), (old2, old_p2)):
        other = (site_of[before] != top_site) & (value >= v2[cells]) & (value > NEG / 2)
        p2[cells[other]] = before[other]


def _rebuild(j, t, labels, site_of, width, site, gain, legs):
    """The label chain ending at node j, minute t (offset), best label: [(node, minute offset)], first first."""
    v1, p1, v2, p2 = labels
    v, prev = v1[j * width + t], p1[j * width + t]
    seq = [(j, t)]
    for _ in range(64):
        if prev == START:
            return seq[::-1]
        i = int(prev)
        target = v - gain[j]
        last = t - int(legs[i, j])
        if last < 0:
            return None
        cells = slice(i * width, i * width + last + 1)
        ok1 = (v1[cells] >= target - 1e-7) & (site_of[p1[cells]] != site[j])
        ok2 = (v2[cells] >= target - 1e-7) & (site_of[p2[cells]] != site[j])
        hit = np.flatnonzero(ok1 | ok2)
        if len(hit) == 0:
            return None
        ti = int(hit[0])
        if ok1[ti]:
            v, prev = v1[i * width + ti], p1[i * width + ti]
        else:
            v, prev = v2[i * width + ti], p2[i * width + ti]
        j, t = i, ti
        seq.append((j, t))
    return None


SMOOTHING = 0.5


@dataclass
class Columns:
    """Column generation state: the routes found, the bound and the prices that gave it."""

    kinds: list[Kind]
    routes: list[tuple[int, list[int], list[int]]] = field(default_factory=list)  # (kind, sites, starts)
    bound: float = float("inf")
    lp_value: float = 0.0
    rounds: int = 0
    seconds: float = 0.0
    prices: np.ndarray | None = None


def generate(
    instance: Instance,
    *,
    time_limit: float = 30.0,
    start: Plan | None = None,
    rounds: int = 500,
    keep: int = 20,
    log=None,
) -> Columns:
    """Column generation on the route master problem; the Lagrangian bound of every round is kept."""
    import highspy

    from relais.planning.baseline import _quiet_stdout

    began = time.perf_counter()
    kinds = kinds_of(instance)
    nodes = day_nodes(instance)
    n_sites = len(instance.sites)
    agents = np.array([s.agents for s in instance.sites], dtype=float)
    fixed_agents = sum(f.agents for f in instance.fixed)
    cols = Columns(kinds)
    if not kinds or not nodes:
        cols.bound = float(fixed_agents)
        return cols

    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    # Rows: sites first, then kinds. Maximise by minimising the opposite.
    h.addRows(n_sites, np.full(n_sites, -inf), np.ones(n_sites), 0, np.array([], dtype=np.int32),
              np.array([], dtype=np.int32), np.array([], dtype=float))  # fmt: skip
    h.addRows(len(kinds), np.full(len(kinds), -inf), np.array([k.count for k in kinds], dtype=float), 0,
              np.array([], dtype=np.int32), np.array([], dtype=np.int32), np.array([], dtype=float))  # fmt: skip
    seen: set[tuple] = set()

    def add(k: int, sites: list[int], starts: list[int]) -> None:
        key = (k, tuple(sites))
        if key in seen:
            return
        seen.add(key)
        counts: dict[int, int] = defaultdict(int)
        for s in sites:
            counts[s] += 1
        idx = np.array([*counts, n_sites + k], dtype=np.int32)
        val = np.array([*counts.values(), 1], dtype=float)
        h.addCol(-float(agents[sites].sum()), 0.0, inf, len(idx), idx, val)
        cols.routes.append((k, list(sites), list(starts)))

    if start is not None:
        kind_of = {seg: k for k, kind in enumerate(kinds) for seg in kind.segments}
        for k, sites, starts in _plan_routes(instance, start, kind_of):
            add(k, sites, starts)

    # Prices are smoothed towards those of the best bound so far (Wentges): fewer rounds to converge.
    prices = np.zeros(n_sites)
    kind_prices = np.zeros(len(kinds))
    best_prices = prices
    for _ in range(rounds):
        if cols.routes:
            h.run()
            duals = np.asarray(h.getSolution().row_dual)
            prices = np.maximum(-duals[:n_sites], 0.0)
            kind_prices = np.maximum(-duals[n_sites:], 0.0)
            cols.lp_value = -h.getInfo().objective_function_value
        for smoothing in (SMOOTHING, 0.0) if cols.rounds else (0.0,):
            probe = smoothing * best_prices + (1 - smoothing) * prices
            rho = agents - probe
            lagrangian = float(probe.sum())
            added = 0
            for k, kind in enumerate(kinds):
                if kind.day not in nodes:
                    continue
                priced = price(instance, kind, nodes[kind.day], rho, keep=keep)
                lagrangian += kind.count * priced.value
                for _, sites, starts in priced.routes:
                    if float((agents - prices)[sites].sum()) > kind_prices[k] + 1e-6:
                        add(k, sites, starts)
                        added += 1
            cols.rounds += 1
            if lagrangian + fixed_agents < cols.bound:
                cols.bound = lagrangian + fixed_agents
                best_prices = probe
            if log:
                log(cols)
            if added or time.perf_counter() - began > time_limit:
                break
        if added == 0 or time.perf_counter() - began > time_limit:
            break
        if cols.bound - (cols.lp_value + fixed_agents) < 0.5:  # the bound is rounded down: nothing more to gain
            break
    cols.prices = best_prices
    cols.seconds = time.perf_counter() - began
    return cols


def _plan_routes(instance: Instance, plan: Plan, kind_of: dict[Segment, int]):
    """(kind, sites, starts) of each free stretch of a plan."""
    segs, _ = segments(instance)
    md_of = {(md.mediator, md.day): i for i, md in enumerate(instance.mediator_days)}
    for route in plan.routes:
        i = md_of.get((route.mediator, route.day))
        for seg in segs:
            if seg.md != i or seg not in kind_of:
                continue
            inside = [s for s in route.stops if not s.fixed and seg.start_time <= s.start and s.end <= seg.end_time]
            if inside:
                yield kind_of[seg], [instance.site_index[s.site] for s in inside], [s.start for s in inside]


def route_bound(instance: Instance, *, time_limit: float = 30.0, start: Plan | None = None) -> int:
    """Agents no feasible plan of the week can exceed, from column generation (see the module docstring)."""
    return int(np.floor(generate(instance, time_limit=time_limit, start=start).bound + 1e-6))


def plan_from_columns(instance: Instance, cols: Columns, chosen: list[int], method: str, seconds: float) -> Plan:
    """A plan from chosen column indices (each an elementary route), given to the kinds' segments."""
    from relais.planning.solver import time_sequence

    free: dict[int, list[Segment]] = {k: list(kind.segments) for k, kind in enumerate(cols.kinds)}
    seg_stops: dict[Segment, list[Stop]] = {}
    for c in chosen:
        k, sites, _ = cols.routes[c]
        if not free[k]:
            continue
        areas = [instance.sites[s].area for s in sites]
        seg = max(free[k], key=lambda g: sum(a in instance.mediator_days[g.md].preferred_areas for a in areas))
        free[k].remove(seg)
        seg_stops[seg] = time_sequence(instance, seg, sites)
    return assemble(instance, seg_stops, method, seconds)


def choose(instance: Instance, cols: Columns, *, time_limit: float) -> list[int]:
    """The best set of generated routes (each site once, each kind its count): a MIP solved with HiGHS."""
    import highspy

    from relais.planning.baseline import _quiet_stdout

    n_sites = len(instance.sites)
    agents = np.array([s.agents for s in instance.sites], dtype=float)
    usable = [c for c, (_, sites, _) in enumerate(cols.routes) if len(set(sites)) == len(sites)]
    if not usable:
        return []
    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 0.1))
    h.setOptionValue("mip_rel_gap", 1e-4)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    starts, index = [0], []
    for c in usable:
        k, sites, _ = cols.routes[c]
        index.extend([*sites, n_sites + k])
        starts.append(len(index))
    lp.num_col_ = len(usable)
    lp.num_row_ = n_sites + len(cols.kinds)
    lp.col_cost_ = np.array([agents[cols.routes[c][1]].sum() for c in usable])
    lp.col_lower_ = np.zeros(len(usable))
    lp.col_upper_ = np.ones(len(usable)) * inf
    lp.row_lower_ = np.full(lp.num_row_, -inf)
    lp.row_upper_ = np.concatenate([np.ones(n_sites), [k.count for k in cols.kinds]]).astype(float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.ones(len(index))
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * len(usable)
    h.passModel(lp)
    h.run()
    x = np.asarray(h.getSolution().col_value)
    if len(x) != len(usable):
        return []
    out = []
    for c, v in zip(usable, x, strict=True):
        out.extend([c] * int(round(v)))
    return out
