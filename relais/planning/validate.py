"""An independent check that a plan can be carried out, used on every plan the tests produce.

It shares nothing with the solver but the instance: it re-reads each route in time order and checks
the rules from scratch (the travel times come from the instance's travel model, the only ground truth).
"""

from collections import Counter

from relais.planning.solver import Instance, Plan


def problems(instance: Instance, plan: Plan) -> list[str]:
    """Every broken rule, in plain words; an empty list means the plan is feasible."""
    out: list[str] = []
    svc = instance.session_minutes
    points = instance.points
    m = instance.travel.matrix(points)
    where = {s.key: i for i, s in enumerate(instance.sites)}
    days = {(md.mediator, md.day): md for md in instance.mediator_days}
    office = {p: i for i, p in enumerate(points) if i >= len(instance.sites)}

    seen_md = Counter((r.mediator, r.day) for r in plan.routes)
    for key, n in seen_md.items():
        if n > 1:
            out.append(f"{key}: {n} tournées pour la même journée")

    site_visits = Counter(s.site for _, s in plan.stops())
    for site, n in site_visits.items():
        if n > 1:
            out.append(f"site {site}: {n} visites dans la semaine")

    for route in plan.routes:
        md = days.get((route.mediator, route.day))
        label = f"{route.mediator} jour {route.day}"
        if md is None:
            if route.stops:
                out.append(f"{label}: médiateur ou médiatrice non disponible ce jour-là")
            continue
        loc, t = office[md.start], md.available[0]
        for stop in sorted(route.stops, key=lambda s: s.start):
            if stop.site not in where:
                out.append(f"{label}: site inconnu {stop.site}")
                continue
            i = where[stop.site]
            site = instance.sites[i]
            if stop.end - stop.start != svc:
                out.append(f"{label} {stop.site}: durée {stop.end - stop.start} au lieu de {svc} min")
            if t + int(m[loc, i]) > stop.start:
                out.append(f"{label} {stop.site}: arrivée {t + int(m[loc, i])} après le début {stop.start}")
            fits = any(o <= stop.start and stop.end <= c for o, c in site.windows.get(route.day, ()))
            if not fits and not stop.fixed:
                out.append(f"{label} {stop.site}: séance {stop.start}–{stop.end} hors des créneaux du site")
            if stop.agents > instance.session_capacity:
                out.append(f"{label} {stop.site}: {stop.agents} agents pour une séance de {instance.session_capacity}")
            if stop.agents > site.agents and not stop.fixed:
                out.append(f"{label} {stop.site}: {stop.agents} agents annoncés pour {site.agents} possibles")
            loc, t = i, stop.end
        if t + int(m[loc, office[md.end]]) > md.available[1]:
            out.append(f"{label}: retour au bureau à {t + int(m[loc, office[md.end]])} après {md.available[1]}")

    planned = {(r.mediator, r.day, s.site, s.start) for r, s in plan.stops()}
    for f in instance.fixed:
        if (f.mediator, f.day, f.site, f.start) not in planned:
            out.append(f"visite fixée perdue ou déplacée : {f.site} ({f.mediator}, jour {f.day}, {f.start})")
    return out
