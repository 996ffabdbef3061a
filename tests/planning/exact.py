"""Exact optimum of a small planning instance by exhaustive search, written apart from the solver.

Every ordered sequence of sites a free stretch of a mediator-day can chain is enumerated (earliest
start at each site: waiting is allowed, so a sequence is feasible iff its earliest-start schedule is),
then the best combination of site sets that are pairwise disjoint across stretches is kept.
"""

from relais.planning.solver import Instance


def optimum(instance: Instance) -> int:
    m, svc = instance.travel.matrix(instance.points), instance.session_minutes
    n = len(instance.sites)
    fixed_sites = {f.site for f in instance.fixed}
    free = [i for i, s in enumerate(instance.sites) if s.key not in fixed_sites and s.agents > 0]
    agents = [s.agents for s in instance.sites]
    office = {p: i for i, p in enumerate(instance.points) if i >= n}
    where = {s.key: i for i, s in enumerate(instance.sites)}

    # Stretches of each mediator-day between its fixed visits, built here again on purpose.
    stretches = []
    for md in instance.mediator_days:
        loc, t = office[md.start], md.available[0]
        mine = sorted(
            (f for f in instance.fixed if (f.mediator, f.day) == (md.mediator, md.day)), key=lambda f: f.start
        )
        for f in mine:
            stretches.append((md.day, loc, t, where[f.site], f.start))
            loc, t = where[f.site], f.start + svc
        stretches.append((md.day, loc, t, office[md.end], md.available[1]))

    def masks(day, start_loc, start_time, end_loc, end_time):
        found = {0}

        def walk(loc, t, mask):
            for i in free:
                if mask >> i & 1:
                    continue
                arrival = t + int(m[loc, i])
                for opens, closes in sorted(instance.sites[i].windows.get(day, ())):
                    start = max(arrival, opens)
                    if start + svc <= closes:
                        if start + svc + int(m[i, end_loc]) <= end_time:
                            found.add(mask | 1 << i)
                            walk(i, start + svc, mask | 1 << i)
                        break

        if start_time + int(m[start_loc, end_loc]) <= end_time:
            walk(start_loc, start_time, 0)
        return found

    def value(mask):
        return sum(agents[i] for i in range(n) if mask >> i & 1)

    best = {0: 0}
    for stretch in stretches:
        options = masks(*stretch)
        nxt = {}
        for used, v in best.items():
            for add in options:
                if used & add == 0:
                    key = used | add
                    val = v + value(add)
                    if nxt.get(key, -1) < val:
                        nxt[key] = val
        best = nxt
    return max(best.values()) + sum(f.agents for f in instance.fixed)
