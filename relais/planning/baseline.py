"""What the solver is measured against: a greedy plan (a lower bound) and an upper bound on agents reachable.

Two greedy plans fill the mediator-days one after the other, visit after visit:
- `greedy_nearest`, the issue's baseline ("nearest high-priority site first"): from where the mediator
  stands, the highest-priority feasible site, the nearest within a priority band. What a coordinator
  does by hand with a list sorted by priority and a map. The +15 % target is measured against it.
- `greedy_ratio` ("glouton au ratio"), a stronger reference: the feasible visit that reaches the most
  agents per minute spent (travel + wait + session). Reported next to it so nobody is misled.

Upper bound (`bound`, `upper_bound`): the smallest of
- `prize_bound`: every site that some mediator-day could reach, visited once;
- the route bound (`columns.py`): the linear relaxation of choosing whole mediator-day routes, by
  column generation; valid whenever it stops, and by far the tightest (docs/performance.md); and,
  only when that has not converged within its time limit,
- `time_indexed_bound`: a linear relaxation solved with HiGHS. A visit of site s starting at σ keeps
  its mediator busy during [σ − τ_s, σ + session), τ_s being the shortest travel into s from any other
  place; a mediator's busy intervals never overlap and lie within the mediator's availability. Start
  times are grouped in slots of `slot` minutes and only the part of the busy interval common to every
  start in the slot is counted, at every multiple of `slot`: at each such instant, the visits busy
  then cannot outnumber the mediators available then (minus those held by a fixed visit). With each
  site at most once a week, max Σ agents·x over 0 ≤ x ≤ 1 bounds every feasible plan from above.
"""

import contextlib
import functools
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from relais.planning.solver import Instance, Plan, Segment, Stop, assemble, segments


def _day_windows(instance: Instance) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Flattened windows per day: site, opens, latest start."""
    svc = instance.session_minutes
    rows = defaultdict(list)
    for s, site in enumerate(instance.sites):
        if site.agents <= 0:
            continue
        for day, windows in site.windows.items():
            for opens, closes in windows:
                if closes - opens >= svc:
                    rows[day].append((s, opens, closes - svc))
    win = {}
    for day, r in rows.items():
        a = np.array(r, dtype=np.int64)
        win[day] = (a[:, 0], a[:, 1], a[:, 2])
    return win


def _fill(instance: Instance, pick, method: str) -> Plan:
    """Mediator-days one after the other, each filled visit after visit by `pick` until nothing fits.

    pick(ok, ws, start, end, t, loc) → index into the day's windows of the next visit.
    """
    began = time.perf_counter()
    m, svc = instance.matrix, instance.session_minutes
    segs, _ = segments(instance)
    visited = np.zeros(len(instance.sites), dtype=bool)
    for f in instance.fixed:
        visited[instance.site_index[f.site]] = True
    win = _day_windows(instance)
    seg_stops: dict[Segment, list[Stop]] = {}
    for seg in sorted(segs, key=lambda g: (instance.mediator_days[g.md].day, g.md, g.start_time)):
        day = instance.mediator_days[seg.md].day
        if day not in win:
            continue
        ws, wo, wl = win[day]
        loc, t, stops = seg.start_loc, seg.start_time, []
        while True:
            start = np.maximum(t + m[loc, ws], wo)
            end = start + svc
            ok = (~visited[ws]) & (start <= wl) & (end + m[ws, seg.end_loc] <= seg.end_time)
            if not ok.any():
                break
            best = pick(ok, ws, start, end, t, loc)
            s = int(ws[best])
            visited[s] = True
            stops.append(Stop(instance.sites[s].key, int(start[best]), int(end[best]), instance.sites[s].agents))
            loc, t = s, int(end[best])
        seg_stops[seg] = stops
    return assemble(instance, seg_stops, method, time.perf_counter() - began)


PRIORITY_BAND = 10  # points of priority (0–100) a coordinator treats as equal


def greedy_nearest(instance: Instance) -> Plan:
    """The issue's baseline, what a coordinator does by hand: the nearest high-priority site first.

    From where the mediator stands, among the sites a session can still fit in today, take those in the
    highest priority band (`PRIORITY_BAND` points of the 0–100 score), then the nearest: the soonest
    session start (travel and wait), then the higher score, then the shorter trip.
    """
    priority = np.array([s.priority for s in instance.sites], dtype=float)
    band = np.floor(np.clip(priority, 0, 100) / PRIORITY_BAND)
    m = instance.matrix

    def pick(ok, ws, start, end, t, loc):
        cand = np.flatnonzero(ok)
        top = cand[band[ws[cand]] == band[ws[cand]].max()]
        return top[np.lexsort((m[loc, ws[top]], -priority[ws[top]], start[top]))][0]

    return _fill(instance, pick, "greedy-nearest")


def greedy_ratio(instance: Instance) -> Plan:
    """A stronger reference ("glouton au ratio"): the feasible visit reaching the most agents per minute.

    Minutes spent = travel + wait + session, from where the mediator stands; ties to the higher priority,
    then the earliest end.
    """
    agents = np.array([s.agents for s in instance.sites], dtype=float)
    priority = np.array([s.priority for s in instance.sites], dtype=float)

    def pick(ok, ws, start, end, t, loc):
        rate = np.where(ok, agents[ws] / np.maximum(end - t, 1), -1.0)
        best = np.flatnonzero(rate == rate.max())
        return best[np.lexsort((end[best], -priority[ws[best]]))][0]

    return _fill(instance, pick, "greedy-ratio")


def _reachable(instance: Instance, segs: list[Segment]) -> dict[int, list[tuple[int, int, int, int]]]:
    """site → [(day, earliest, latest start)] of each window some free segment of that day can use."""
    m, svc = instance.matrix, instance.session_minutes
    fixed = instance.fixed_sites
    by_day = defaultdict(list)
    for g in segs:
        by_day[instance.mediator_days[g.md].day].append(g)
    out = defaultdict(list)
    for s, site in enumerate(instance.sites):
        if site.key in fixed or site.agents <= 0:
            continue
        for day, windows in site.windows.items():
            for opens, closes in windows:
                lo_all, hi_all = None, None
                for g in by_day.get(day, ()):
                    lo = max(opens, g.start_time + int(m[g.start_loc, s]))
                    hi = min(closes - svc, g.end_time - svc - int(m[s, g.end_loc]))
                    if lo <= hi:
                        lo_all = lo if lo_all is None else min(lo_all, lo)
                        hi_all = hi if hi_all is None else max(hi_all, hi)
                if lo_all is not None:
                    out[s].append((day, lo_all, hi_all))
    return out


def max_visits(instance: Instance, seg: Segment) -> int:
    """Most sessions one free segment could chain, whatever the sites: a bound on its visits.

    Dynamic programme over time on the distinct windows of the day, with the shortest travel there is
    between two sites and the shortest legs from and back to the segment's ends; site uniqueness and
    the real travel are ignored, so the true number can only be lower.
    """
    m, svc = instance.matrix, instance.session_minutes
    day = instance.mediator_days[seg.md].day
    n = len(instance.sites)
    if n == 0:
        return 0
    between = m[:n, :n] + np.where(np.eye(n, dtype=bool), 10**9, 0)
    classes: dict[tuple[int, int], list[int]] = defaultdict(list)
    for s, site in enumerate(instance.sites):
        if site.agents > 0 and site.key not in instance.fixed_sites:
            for opens, closes in site.windows.get(day, ()):
                if closes - opens >= svc:
                    classes[(opens, closes)].append(s)
    if not classes:
        return 0
    tau = int(between.min()) if n > 1 else 0
    win = []
    for (opens, closes), members in classes.items():
        first = int(m[seg.start_loc, members].min())
        last = int(m[members, seg.end_loc].min())
        win.append((opens, closes - svc, first, last))

    @functools.cache
    def best(t: int, first: bool) -> int:
        out = 0
        for opens, latest, first_leg, last_leg in win:
            start = max(opens, t + (first_leg if first else tau))
            if start <= latest and start + svc + last_leg <= seg.end_time:
                out = max(out, 1 + best(start + svc, False))
        return out

    return best(seg.start_time, True)


def prize_bound(instance: Instance) -> int:
    segs, _ = segments(instance)
    reach = _reachable(instance, segs)
    return sum(instance.sites[s].agents for s in reach) + sum(f.agents for f in instance.fixed)


def time_indexed_bound(instance: Instance, *, slot: int = 5) -> float:
    """LP relaxation value (agents), fixed visits included; see the module docstring."""
    import highspy

    segs, fixed_by_md = segments(instance)
    reach = _reachable(instance, segs)
    fixed_agents = sum(f.agents for f in instance.fixed)
    if not reach:
        return float(fixed_agents)
    m, svc = instance.matrix, instance.session_minutes
    n = len(instance.points)
    # Shortest travel into each site from any other place (0 when an office stands on the site).
    into = np.where(np.eye(n, dtype=bool), np.iinfo(np.int64).max, m).min(axis=0)

    # Mediators available at each instant of each day, minus those held by a fixed visit.
    def available(day: int, t: int) -> int:
        count = 0
        for i, md in enumerate(instance.mediator_days):
            held = any(f.start <= t < f.start + svc for f in fixed_by_md.get(i, []))
            if md.day == day and md.available[0] <= t < md.available[1] and not held:
                count += 1
        return count

    cols_site, cols_cost, rows_of_col = [], [], []
    for s, options in reach.items():
        tau = int(into[s])
        for day, lo, hi in options:
            for j in range(lo // slot, hi // slot + 1):
                a, b = max(lo, j * slot), min(hi, j * slot + slot - 1)
                if a > b:
                    continue
                # Busy for sure in [b − τ, a + session): the common part over starts a..b.
                busy_from, busy_to = b - tau, a + svc
                cols_site.append(s)
                cols_cost.append(float(instance.sites[s].agents))
                instants = range(-(-busy_from // slot) * slot, busy_to, slot)
                rows_of_col.append([("day", day)] + [(day, p) for p in instants])

    # Rows: one per site (at most once a week), one per day (no more visits than the mediators of the
    # day can chain, `max_visits`), one per (day, instant) used.
    day_cap = defaultdict(int)
    for g in segs:
        day_cap[instance.mediator_days[g.md].day] += max_visits(instance, g)
    row_of: dict = {("site", s): i for i, s in enumerate(reach)}
    starts, index, values = [0], [], []
    for c, s in enumerate(cols_site):
        keys = [("site", s)] + rows_of_col[c]
        for key in keys:
            if key not in row_of:
                row_of[key] = len(row_of)
            index.append(row_of[key])
        values.extend([1.0] * len(keys))
        starts.append(len(index))
    next_row = len(row_of)
    upper = np.ones(next_row)
    for key, r in row_of.items():
        if key[0] == "day":
            upper[r] = day_cap[key[1]]
        elif key[0] != "site":
            upper[r] = available(*key)

    with _quiet_stdout():
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_ = len(cols_site)
    lp.num_row_ = next_row
    lp.col_cost_ = np.array(cols_cost)
    lp.col_lower_ = np.zeros(len(cols_site))
    lp.col_upper_ = np.ones(len(cols_site))
    lp.row_lower_ = np.full(next_row, -highspy.kHighsInf)
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(values)
    lp.sense_ = highspy.ObjSense.kMaximize
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return float(prize_bound(instance))
    return float(h.getInfo().objective_function_value) + fixed_agents


@contextlib.contextmanager
def _quiet_stdout():
    """HiGHS prints a banner from C++ when created, before any option can silence it."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


@dataclass
class Bound:
    """The upper bound on agents reachable in the week and how it was found."""

    value: int  # the smallest of the bounds below, rounded down
    prize: int
    route: float  # column generation (Lagrangian) bound, `columns.py`
    route_lp: float  # restricted master's value at the end (what the route bound converges to from below)
    route_rounds: int
    time_indexed: float | None  # only computed when the route bound has not converged
    seconds: float

    def as_dict(self) -> dict:
        return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def bound(instance: Instance, *, time_limit: float = 60.0, start: Plan | None = None, slot: int = 5) -> Bound:
    """Agents no feasible plan of the week can exceed: the smallest of the prize bound, the route bound
    (column generation, valid whenever it stops) and, if the latter has not converged, the time-indexed LP.
    """
    from relais.planning import columns

    began = time.perf_counter()
    prize = prize_bound(instance)
    cols = columns.generate(instance, time_limit=time_limit, start=start)
    route_lp = cols.lp_value + sum(f.agents for f in instance.fixed)
    time_indexed = None
    candidates = [float(prize), cols.bound]
    if cols.bound > 1.05 * route_lp + 1:
        time_indexed = time_indexed_bound(instance, slot=slot)
        candidates.append(time_indexed)
    value = int(np.floor(min(candidates) + 1e-6))
    return Bound(value, prize, cols.bound, route_lp, cols.rounds, time_indexed, time.perf_counter() - began)


def upper_bound(instance: Instance, *, time_limit: float = 60.0, start: Plan | None = None, slot: int = 5) -> int:
    """Agents no feasible plan of the week can exceed (see `bound`)."""
    return bound(instance, time_limit=time_limit, start=start, slot=slot).value
