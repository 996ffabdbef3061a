import random

import pytest

from relais.planning import baseline, solver, synthetic, validate
from relais.planning.solver import FixedVisit, Instance, MediatorDay, SiteOption
from relais.planning.travel import ParisTransit
from tests.planning.exact import optimum


def small_instance(seed: int, *, sites: int, days: int, fixed: bool = False) -> Instance:
    rng = random.Random(seed)
    options = synthetic.sites(sites, seed=seed, days=2)
    mds = [
        MediatorDay("m0", 0, (8 * 60 + 30, 17 * 60), synthetic.OFFICES[0], synthetic.OFFICES[0]),
        MediatorDay("m1", days - 1, (6 * 60, 14 * 60), synthetic.OFFICES[1], synthetic.OFFICES[2]),
    ][: 1 + (days > 1 or rng.random() < 0.5)]
    instance = Instance(options, mds, session_minutes=rng.choice([45, 60, 90]))
    if fixed:
        plan = baseline.greedy_ratio(instance)
        stops = [(r, s) for r, s in plan.stops()]
        if stops:
            r, s = stops[len(stops) // 2]
            instance = Instance(options, mds, [FixedVisit(s.site, r.mediator, r.day, s.start, s.agents)],
                                session_minutes=instance.session_minutes)  # fmt: skip
    return instance


def test_travel_model_in_paris():
    travel = ParisTransit()
    hotel_de_ville, bastille = (48.8566, 2.3522), (48.8532, 2.3692)
    # 1.3 km crow-fly × 1.3 at 15 km/h ≈ 6.6 min, + 8 min access, rounded up.
    assert travel.minutes(hotel_de_ville, bastille) == 15
    assert travel.minutes(hotel_de_ville, hotel_de_ville) == 0
    m = travel.matrix([hotel_de_ville, bastille])
    assert m[0, 1] == m[1, 0] == 15


@pytest.mark.parametrize("seed", range(8))
def test_pyvrp_plan_is_optimal_on_small_weeks(seed):
    instance = small_instance(seed, sites=8 + seed % 5, days=1 + seed % 2, fixed=seed % 3 == 0)
    plan = solver.solve(instance, time_limit=1, seed=seed)
    assert validate.problems(instance, plan) == []
    assert plan.agents == optimum(instance)
    greedy = baseline.greedy_ratio(instance)
    assert validate.problems(instance, greedy) == []
    assert greedy.agents <= plan.agents <= baseline.upper_bound(instance)


def test_fixed_visit_is_kept_and_its_site_not_visited_again():
    instance = small_instance(3, sites=10, days=1, fixed=True)
    fixed = instance.fixed[0]
    plan = solver.solve(instance, time_limit=1)
    assert validate.problems(instance, plan) == []
    kept = [s for r, s in plan.stops() if s.site == fixed.site]
    assert len(kept) == 1 and kept[0].fixed and kept[0].start == fixed.start


def test_site_visited_once_a_week_even_when_open_every_day():
    site = SiteOption("s", "Dépôt", (48.86, 2.35), 12, {0: ((480, 720),), 1: ((480, 720),)})
    office = (48.857, 2.352)
    mds = [MediatorDay("m", 0, (480, 1020), office, office), MediatorDay("m", 1, (480, 1020), office, office)]
    plan = solver.solve(Instance([site], mds), time_limit=1)
    assert plan.visits == 1 and plan.agents == 12


def test_session_must_fit_in_the_window_and_the_availability():
    office = (48.857, 2.352)
    tight = SiteOption("t", "Crèche", (48.87, 2.36), 10, {0: ((780, 830),)})  # 50 min for a 60 min session
    late = SiteOption("l", "École", (48.87, 2.36), 10, {0: ((960, 1100),)})  # after the mediator leaves
    plan = solver.solve(Instance([tight, late], [MediatorDay("m", 0, (480, 1000), office, office)]), time_limit=1)
    assert plan.visits == 0
    assert baseline.upper_bound(Instance([tight, late], [MediatorDay("m", 0, (480, 1000), office, office)])) == 0


def test_validator_reports_broken_rules():
    instance = small_instance(1, sites=8, days=1)
    plan = solver.solve(instance, time_limit=1)
    assert plan.visits >= 2
    route = next(r for r in plan.routes if len(r.stops) >= 2)
    route.stops[1].start = route.stops[0].start  # overlaps the previous session
    route.stops[1].end = route.stops[1].start + instance.session_minutes
    route.stops.append(solver.Stop(route.stops[0].site, 0, instance.session_minutes, 99))
    found = "\n".join(validate.problems(instance, plan))
    assert "arrivée" in found
    assert "visites dans la semaine" in found
    assert "hors des créneaux" in found
    assert "séance de 12" in found


def random_instance(seed: int) -> Instance:
    """A small week with every shape of window: dawn, early afternoon, office hours, two windows a day;
    sites sharing a building (no travel between them), offices that differ at start and end, fixed visits."""
    rng = random.Random(seed)
    points, sites = [], []
    for i in range(rng.randint(5, 11)):
        if points and rng.random() < 0.2:
            point = rng.choice(points)
        else:
            point = (48.85 + rng.uniform(-0.03, 0.03), 2.34 + rng.uniform(-0.04, 0.04))
        points.append(point)
        windows = {}
        for day in range(2):
            if rng.random() < 0.8:
                shape = rng.random()
                if shape < 0.3:
                    windows[day] = ((rng.choice([360, 420, 480]), rng.choice([450, 500, 540])),)
                elif shape < 0.6:
                    windows[day] = ((780, rng.choice([825, 840, 900])),)
                elif shape < 0.8:
                    windows[day] = ((510, 1080),)
                else:
                    windows[day] = ((360, 450), (780, 825))
        sites.append(SiteOption(f"s{i}", f"S{i}", point, rng.randint(1, 12), windows, priority=rng.uniform(0, 100)))
    offices = [(48.8566, 2.3522), (48.8412, 2.3876)]
    mds = {}
    for k in range(rng.randint(1, 3)):
        day = rng.randint(0, 1)
        hours = rng.choice([(360, 840), (480, 990), (510, 1020), (420, 720)])
        mds[(f"m{k}", day)] = MediatorDay(f"m{k}", day, hours, rng.choice(offices), rng.choice(offices))
    instance = Instance(sites, list(mds.values()), session_minutes=rng.choice([30, 45, 60]))
    if rng.random() < 0.3:
        stops = list(baseline.greedy_ratio(instance).stops())
        if stops:
            r, s = rng.choice(stops)
            fixed = [FixedVisit(s.site, r.mediator, r.day, s.start, s.agents)]
            instance = Instance(sites, instance.mediator_days, fixed, session_minutes=instance.session_minutes)
    return instance


def test_route_bound_is_sound_and_tight_on_small_weeks():
    """On 40 random small weeks the route bound is never below the exact optimum, and here equals it."""
    gaps = []
    for seed in range(40):
        instance = random_instance(seed)
        best = optimum(instance)
        found = baseline.bound(instance, time_limit=10)
        assert found.value >= best, seed
        assert found.route >= best - 1e-6, seed
        gaps.append(found.value - best)
    print(f"route bound − optimum over 40 weeks: max {max(gaps)}, total {sum(gaps)}")
    assert sum(gaps) == 0  # measured: the bound equals the optimum on every one of them


def test_both_greedy_plans_are_feasible_and_the_nearest_follows_priority():
    instance = synthetic.instance(60, 3, days=2, seed=5, session=45)
    nearest, ratio = baseline.greedy_nearest(instance), baseline.greedy_ratio(instance)
    assert validate.problems(instance, nearest) == [] and validate.problems(instance, ratio) == []
    bound = baseline.upper_bound(instance, time_limit=5)
    assert max(nearest.agents, ratio.agents) <= bound
    # The first visit of each mediator-day is in the highest priority band among the sites it could reach.
    office = instance.mediator_days[0].start
    first = instance.sites[instance.site_index[nearest.routes[0].stops[0].site]]
    m, md = instance.travel, instance.mediator_days[0]
    reachable = [
        s for s in instance.sites
        if any(max(md.available[0] + m.minutes(office, s.point), o) + instance.session_minutes <= c
               for o, c in s.windows.get(md.day, ()))
    ]  # fmt: skip
    assert first.priority // baseline.PRIORITY_BAND == max(s.priority // baseline.PRIORITY_BAND for s in reachable)


def test_local_search_keeps_fixed_visits_stays_feasible_and_never_loses_agents():
    from relais.planning import improve

    instance = synthetic.instance(150, 4, days=3, seed=2, session=45, fixed=3)
    greedy = baseline.greedy_ratio(instance)
    better = improve.improve(instance, greedy, time_limit=5)
    assert validate.problems(instance, better) == []
    assert better.agents >= greedy.agents
    searched = improve.search(instance, better, time_limit=2, seed=3)
    assert validate.problems(instance, searched) == []
    assert searched.agents >= better.agents
    assert searched.agents <= baseline.upper_bound(instance, time_limit=20)
