"""Reads for the HR data-reliability pages, always through `Finding.objects.visible_to`, aggregated in SQL."""

from django.db.models import Count, Q

from relais.findings.enums import Family, FindingStatus
from relais.findings.models import Extract, Finding, InterventionFindings
from relais.organisation.models import Direction

TREND_EXTRACTS = 8
FAMILIES = list(Family)


def _pivot(rows, key: str) -> dict:
    out: dict = {}
    for row in rows:
        entry = out.setdefault(row[key], {f.value: 0 for f in FAMILIES})
        entry[row["family"]] = row["n"]
    for entry in out.values():
        entry["total"] = sum(entry[f.value] for f in FAMILIES)
    return out


def direction_rows(*, user) -> list[dict]:
    """The directions the user sees that have findings, with open findings by family (one grouped query)."""
    rows = (
        Finding.objects.visible_to(user).open().filter(direction__isnull=False)
        .values("direction_id", "family").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    counts = _pivot(rows, "direction_id")
    directions = Direction.objects.visible_to(user).filter(pk__in=list(counts)).order_by("code")
    return [
        {"direction": d, "counts": counts[d.pk], "families": [counts[d.pk][f.value] for f in FAMILIES]}
        for d in directions
    ]


def direction_summary(*, user, direction) -> dict:
    """Open findings of a direction by family, and the trend: open findings at each recorded extract's date."""
    base = Finding.objects.visible_to(user).filter(direction=direction)
    by_family = {r["family"]: r["n"] for r in base.open().values("family").annotate(n=Count("id")).order_by()}
    dates = list(
        Extract.objects.filter(recorded_at__isnull=False)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .distinct()[:TREND_EXTRACTS]
    )[::-1]
    trend = []
    if dates:
        # One query: for each date, the findings opened by then and neither closed nor justified by then.
        aggregates = {
            f"d{i}": Count("id", filter=Q(opened_at__lte=d) & (Q(closed_at__isnull=True) | Q(closed_at__gt=d))
                           & (Q(justified_at__isnull=True) | Q(justified_at__date__gt=d)))
            for i, d in enumerate(dates)
        }  # fmt: skip
        values = base.aggregate(**aggregates)
        trend = [(d, values[f"d{i}"]) for i, d in enumerate(dates)]
    return {
        "families": [(f.label, by_family.get(f.value, 0)) for f in FAMILIES],
        "total": sum(by_family.values()),
        "trend": trend,
        "justified": base.filter(status=FindingStatus.JUSTIFIED).count(),
    }


def manager_rows(*, user, direction=None, limit: int | None = None) -> list[dict]:
    """HR managers with open findings (in a direction), the most first, with counts by family."""
    qs = Finding.objects.visible_to(user).open().filter(hr_manager__isnull=False)
    if direction is not None:
        qs = qs.filter(direction=direction)
    totals = list(
        qs.values("hr_manager_id", "hr_manager__label", "hr_manager__public_id", "hr_manager__agent_id")
        .annotate(open=Count("id")).order_by("-open", "hr_manager__label")[: limit or None]
    )  # fmt: skip
    ids = [t["hr_manager_id"] for t in totals]
    families = _pivot(
        qs.filter(hr_manager_id__in=ids).values("hr_manager_id", "family").annotate(n=Count("id")).order_by(),
        "hr_manager_id",
    )
    return [
        {"id": t["hr_manager_id"], "label": t["hr_manager__label"], "public_id": t["hr_manager__public_id"],
         "agent_id": t["hr_manager__agent_id"], "open": t["open"],
         "families": [families.get(t["hr_manager_id"], {}).get(f.value, 0) for f in FAMILIES]}
        for t in totals
    ]  # fmt: skip


def top_managers(*, direction, limit: int = 3) -> list[dict]:
    """The HR managers of a direction with the most open findings (every finding of the direction counts)."""
    qs = Finding.objects.open().filter(direction=direction, hr_manager__isnull=False)
    rows = (
        qs.values("hr_manager_id", "hr_manager__label", "hr_manager__agent_id").annotate(open=Count("id"))
        .order_by("-open", "hr_manager__label")[:limit]
    )  # fmt: skip
    return [{"id": r["hr_manager_id"], "label": r["hr_manager__label"], "agent_id": r["hr_manager__agent_id"],
             "open": r["open"]} for r in rows]  # fmt: skip


def manager_findings(*, user, manager, status: str = FindingStatus.OPEN):
    qs = Finding.objects.visible_to(user).filter(hr_manager=manager).select_related("direction")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("matricule", "rule", "column")


def request_assessment(*, user, request) -> dict | None:
    """For a request made from findings: each HR manager's open findings then and now."""
    record = InterventionFindings.objects.visible_to(user).filter(request=request).first()
    if record is None:
        return None
    now = dict(
        Finding.objects.open().filter(direction=record.direction_id, hr_manager__in=record.managers.all())
        .values("hr_manager_id").annotate(n=Count("id")).values_list("hr_manager_id", "n")
    )  # fmt: skip
    rows = [
        {"label": m.label, "before": record.counts_before.get(str(m.pk), 0), "now": now.get(m.pk, 0)}
        for m in record.managers.order_by("label")
    ]
    return {
        "record": record,
        "rows": rows,
        "before": sum(r["before"] for r in rows),
        "now": sum(r["now"] for r in rows),
    }
