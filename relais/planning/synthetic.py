"""Synthetic weeks for tests and the bench: Paris-like sites, windows and mediators, from a seed.

Shapes follow DOMAIN.md §3: cleaning depots gather at dawn and early afternoon, crèches during nap
time, schools after lunch; other sites are open office hours.
"""

import random

from relais.planning.solver import FixedVisit, Instance, MediatorDay, SiteOption

PARIS = (48.816, 48.902, 2.255, 2.415)  # lat min, lat max, lon min, lon max (inside the ring road)
OFFICES = [(48.8566, 2.3522), (48.8412, 2.3876), (48.8835, 2.3270)]
H = 60

KINDS = [
    # (kind, share, agents range, {weekday: windows} builder)
    ("depot", 0.15, (20, 80), lambda d: ((6 * H, 7 * H + 30), (13 * H + 30, 14 * H + 30))),
    ("creche", 0.30, (10, 25), lambda d: ((13 * H, 15 * H),)),
    ("ecole", 0.30, (5, 15), lambda d: ((14 * H, 16 * H),) if d != 2 else ((9 * H, 11 * H + 30),)),
    ("autre", 0.25, (3, 40), lambda d: ((8 * H, 12 * H), (13 * H + 30, 17 * H))),
]


def sites(n: int, *, seed: int = 1, capacity: int = 12, days: int = 5) -> list[SiteOption]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        r, acc = rng.random(), 0.0
        for kind, share, (lo, hi), windows in KINDS:  # noqa: B007 (the chosen kind is used below)
            acc += share
            if r <= acc:
                break
        staff = rng.randint(lo, hi)
        need = sum(rng.random() < 0.55 for _ in range(staff))
        open_days = [d for d in range(days) if rng.random() < 0.9]
        out.append(
            SiteOption(
                key=f"s{i}",
                name=f"{kind} {i}",
                point=(rng.uniform(PARIS[0], PARIS[1]), rng.uniform(PARIS[2], PARIS[3])),
                agents=min(capacity, need),
                windows={d: windows(d) for d in open_days},
                priority=rng.uniform(0, 100),
                area=f"750{rng.randint(1, 20):02d}",
            )
        )
    return out


def mediator_days(mediators: int, *, days: int = 5, seed: int = 1, absences: float = 0.05) -> list[MediatorDay]:
    rng = random.Random(seed + 7)
    out = []
    for k in range(mediators):
        office = OFFICES[k % len(OFFICES)]
        early = k % 4 == 0  # a quarter of the team starts at dawn, for the depots
        window = (6 * H, 14 * H) if early else (8 * H + 30, 17 * H)
        part_time = k % 7 == 3  # off on Wednesdays
        for d in range(days):
            if (part_time and d == 2) or rng.random() < absences:
                continue
            out.append(MediatorDay(f"m{k}", d, window, office, office))
    return out


def instance(
    n_sites: int, mediators: int, *, days: int = 5, seed: int = 1, session: int = 60, fixed: int = 0
) -> Instance:
    inst = Instance(
        sites(n_sites, seed=seed, days=days),
        mediator_days(mediators, days=days, seed=seed),
        session_minutes=session,
    )
    if fixed:
        # Fixed visits: the greedy plan's first few visits, as if confirmed last week.
        from relais.planning.baseline import greedy_ratio as greedy

        plan = greedy(inst)
        chosen = [(r, s) for r, s in plan.stops()][:fixed]
        inst = Instance(
            inst.sites,
            inst.mediator_days,
            [FixedVisit(s.site, r.mediator, r.day, s.start, s.agents) for r, s in chosen],
            session_minutes=session,
        )
    return inst
