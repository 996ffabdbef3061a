"""A local search across the week, after PyVRP: fill gaps, trade visits for bigger ones, move visits between days.

PyVRP searches each day on a pool of sites, then the week on the union of the pools; what is left is
mostly across days and outside the pools. Three moves, each only taken when it reaches more agents:

- **insert** an unvisited site in a gap of a route where its session fits;
- **replace** a visit by an unvisited site reaching more agents, in the same place of the route;
- **relocate and fill**: move a visit to another route (often another day) where it fits, and put an
  unvisited site in the gap it leaves.

A route is a free stretch of a mediator-day (`solver.Segment`). Fitting is checked exactly on the
earliest-start schedule (waiting allowed): a site fits between a stop ending at e (at place a) and the
next stop (at place b) when its session can start at max(e + travel(a, s), opens) within its window and
the next stop can still start by its latest start (`_latest`). The independent validator checks the
result like any plan.
"""

import time

import numpy as np

from relais.planning.solver import (
    Instance,
    Plan,
    Route,
    Segment,
    assemble,
    earliest_start,
    segments,
    time_sequence,
)


def search(instance: Instance, plan: Plan, *, time_limit: float, seed: int = 1) -> Plan:
    """`improve`, then while time remains: drop a few visits at random and improve again (ties drawn at
    random), keeping the result when it reaches at least as many agents (iterated local search)."""
    import random

    began = time.perf_counter()
    rng = random.Random(seed)
    best = improve(instance, plan, time_limit=time_limit)
    while time.perf_counter() - began < time_limit - 0.5:
        free = [(r, s) for r, s in best.stops() if not s.fixed]
        if not free:
            break
        dropped = {id(s) for _, s in rng.sample(free, max(1, len(free) // 20))}
        routes = [Route(r.mediator, r.day, [s for s in r.stops if id(s) not in dropped]) for r in best.routes]
        left = time_limit - (time.perf_counter() - began)
        trial = improve(instance, Plan(routes, best.method, best.seconds), time_limit=left, rng=rng)
        if trial.agents >= best.agents:
            best = trial
    return best


def improve(instance: Instance, plan: Plan, *, time_limit: float = 5.0, rng=None) -> Plan:
    from relais.planning.columns import day_nodes

    began = time.perf_counter()
    m, svc = instance.matrix, instance.session_minutes
    segs, _ = segments(instance)
    days = {seg: instance.mediator_days[seg.md].day for seg in segs}
    nodes = day_nodes(instance)
    agents = np.array([s.agents for s in instance.sites], dtype=np.int64)
    priority = np.array([s.priority for s in instance.sites], dtype=float)
    visited = np.zeros(len(instance.sites), dtype=bool)
    for f in instance.fixed:
        visited[instance.site_index[f.site]] = True
    routes: dict[Segment, list[int]] = {seg: [] for seg in segs}
    md_of = {(md.mediator, md.day): i for i, md in enumerate(instance.mediator_days)}
    for route in plan.routes:
        i = md_of.get((route.mediator, route.day))
        for seg in segs:
            if seg.md == i:
                inside = [s for s in route.stops if not s.fixed and seg.start_time <= s.start and s.end <= seg.end_time]
                routes[seg] = [instance.site_index[s.site] for s in sorted(inside, key=lambda s: s.start)]
    for seq in routes.values():
        visited[seq] = True

    def schedule(seg: Segment, seq: list[int]):
        """Earliest end of each stop and latest start of each stop keeping the rest feasible; None if infeasible."""
        day = days[seg]
        loc, t = seg.start_loc, seg.start_time
        ends, closes = [], []
        for s in seq:
            windows = sorted(instance.sites[s].windows.get(day, ()))
            start = earliest_start(windows, t + int(m[loc, s]), svc)
            if start is None:
                return None
            closes.append(next(c for o, c in windows if max(o, start) == start and start + svc <= c))
            ends.append(start + svc)
            loc, t = s, start + svc
        if t + int(m[loc, seg.end_loc]) > seg.end_time:
            return None
        latest = [0] * len(seq)
        nxt_loc, nxt_latest = seg.end_loc, seg.end_time
        for k in range(len(seq) - 1, -1, -1):
            s = seq[k]
            bound = (
                nxt_latest - svc - int(m[s, nxt_loc])
                if k < len(seq) - 1
                else seg.end_time - svc - int(m[s, seg.end_loc])
            )
            latest[k] = min(closes[k] - svc, bound)
            nxt_loc, nxt_latest = s, latest[k]
        return ends, latest

    def fits(seg: Segment, seq: list[int], plan_: tuple, k: int, skip: int) -> np.ndarray:
        """Day-node indices whose session fits after stop k−1 and before stop k+skip (skip=0 insert, 1 replace)."""
        ends, latest = plan_
        day = days[seg]
        if day not in nodes:
            return np.array([], dtype=np.int64)
        site, opens, last = nodes[day].site, nodes[day].opens, nodes[day].latest
        prev_loc, prev_end = (seq[k - 1], ends[k - 1]) if k > 0 else (seg.start_loc, seg.start_time)
        start = np.maximum(prev_end + m[prev_loc, site], opens)
        ok = (start <= last) & ~visited[site]
        if k + skip < len(seq):
            nxt = seq[k + skip]
            ok &= start + svc + m[site, nxt] <= latest[k + skip]
        else:
            ok &= start + svc + m[site, seg.end_loc] <= seg.end_time
        return np.flatnonzero(ok)

    def best_of(day: int, idx: np.ndarray) -> int | None:
        if len(idx) == 0:
            return None
        s = nodes[day].site[idx]
        if rng is not None:  # any of the sites reaching the most agents
            top = s[agents[s] == agents[s].max()]
            return int(top[rng.randrange(len(top))])
        order = np.lexsort((-priority[s], -agents[s]))
        return int(s[order[0]])

    plans = {seg: schedule(seg, seq) for seg, seq in routes.items()}
    gained = 0
    improved = True
    while improved and time.perf_counter() - began < time_limit:
        improved = False
        for seg in segs:
            if time.perf_counter() - began > time_limit:
                break
            seq, sch = routes[seg], plans[seg]
            if sch is None:
                continue
            day = days[seg]
            # Insert.
            for k in range(len(seq) + 1):
                u = best_of(day, fits(seg, seq, sch, k, 0))
                if u is not None:
                    new = seq[:k] + [u] + seq[k:]
                    new_sch = schedule(seg, new)
                    if new_sch is not None:
                        routes[seg], plans[seg], seq, sch = new, new_sch, new, new_sch
                        visited[u] = True
                        gained += int(agents[u])
                        improved = True
            # Replace, or relocate and fill.
            for k in range(len(seq)):
                s = seq[k]
                u = best_of(day, fits(seg, seq, sch, k, 1))
                if u is None:
                    continue
                if agents[u] > agents[s]:
                    new = seq[:k] + [u] + seq[k + 1 :]
                    new_sch = schedule(seg, new)
                    if new_sch is not None:
                        routes[seg], plans[seg], seq, sch = new, new_sch, new, new_sch
                        visited[u], visited[s] = True, False
                        gained += int(agents[u] - agents[s])
                        improved = True
                    continue
                moved = _relocate(s, seg, routes, plans, schedule, m, svc, instance, days)
                if moved is not None:
                    other, other_seq, other_sch = moved
                    new = seq[:k] + [u] + seq[k + 1 :]
                    new_sch = schedule(seg, new)
                    if new_sch is None:
                        continue
                    routes[other], plans[other] = other_seq, other_sch
                    routes[seg], plans[seg], seq, sch = new, new_sch, new, new_sch
                    visited[u] = True
                    gained += int(agents[u])
                    improved = True
    seg_stops = {seg: time_sequence(instance, seg, seq) for seg, seq in routes.items() if seq}
    out = assemble(instance, seg_stops, plan.method, plan.seconds)
    if out.agents < plan.agents and rng is None:  # never worse than what came in
        return plan
    out.notes = list(plan.notes)
    return out


def _relocate(s, here, routes, plans, schedule, m, svc, instance, days):
    """Another route where site s fits (any day it has a window): (segment, new sequence, schedule) or None."""
    for seg, seq in routes.items():
        if seg == here or plans[seg] is None:
            continue
        windows = instance.sites[s].windows.get(days[seg], ())
        if not windows:
            continue
        ends, latest = plans[seg]
        for k in range(len(seq) + 1):
            prev_loc, prev_end = (seq[k - 1], ends[k - 1]) if k > 0 else (seg.start_loc, seg.start_time)
            start = earliest_start(windows, prev_end + int(m[prev_loc, s]), svc)
            if start is None:
                continue
            if k < len(seq):
                if start + svc + int(m[s, seq[k]]) > latest[k]:
                    continue
            elif start + svc + int(m[s, seg.end_loc]) > seg.end_time:
                continue
            new = seq[:k] + [s] + seq[k:]
            sch = schedule(seg, new)
            if sch is not None:
                return seg, new, sch
    return None
