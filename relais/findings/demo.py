"""The demo's HR data reliability: two successive extracts of the demo's agents, checked like real ones.

A few percent of files carry a fault, many more for a handful of HR managers in DPE and DFPE; between the two
extracts the DPE ones are accompanied (an intervention request made from the direction's page, one click) and
their files mostly corrected, so the pages show findings falling in DPE and not in DFPE. The city's own grades
(« … d'administrations parisiennes ») are added to the reference table as an administrator would.

Called by `manage.py demo_data` (`relais.demo.context`); the checks and their recording are the real services.
"""

import datetime

import polars as pl

from relais.agents.enums import Filiere, Statut
from relais.agents.models import Agent
from relais.demo.services import journal_demo_load
from relais.findings import synthetic
from relais.findings.engine import check
from relais.findings.enums import ExtractKind
from relais.findings.grades import grade_key
from relais.findings.models import CadreEmplois, Grade, InterventionFindings
from relais.findings.reading import _selector
from relais.organisation.models import Direction

SLOPPY_PER_DIRECTION = 3
ACCOMPANIED = "DPE"
FOLLOWED = ("DPE", "DFPE")


def _local_grades(agents: pl.DataFrame) -> int:
    """The city's grades missing from the national table, added under local cadres (as an administrator would)."""
    known = set(Grade.objects.values_list("key", "cadre__filiere"))
    added = 0
    rows = agents.filter(pl.col("grade") != "").select("grade", "filiere_value", "category").unique().rows()
    for grade, filiere, category in sorted(rows):
        if (grade_key(grade), filiere) in known or not filiere:
            continue
        cadre, _ = CadreEmplois.objects.get_or_create(
            filiere=filiere, name=f"Corps de la Ville de Paris ({Filiere(filiere).label.lower()}, {category or 'C'})",
            defaults={"category": category or "C", "source": "Ajout local (démonstration)"},
        )  # fmt: skip
        Grade.objects.get_or_create(cadre=cadre, label=grade)
        known.add((grade_key(grade), filiere))
        added += 1
    return added


def _base(today: datetime.date) -> pl.DataFrame:
    values = Agent.objects.in_post(today).order_by("pk").values_list(
        "matricule", "last_name", "first_name", "direction__code", "service__name", "hr_manager__label", "statut",
        "grade", "filiere", "category",
    )  # fmt: skip
    frame = pl.DataFrame(
        list(values),
        schema=["matricule", "last_name", "first_name", "direction", "service", "hr_manager", "statut_value", "grade",
                "filiere_value", "category"],
        orient="row",
    ).fill_null("")  # fmt: skip
    statuts = {s.value: s.label for s in Statut}
    filieres = {f.value: f.label for f in Filiere}
    return frame.with_columns(
        pl.col("statut_value").replace_strict(statuts, default="").alias("statut"),
        pl.col("filiere_value").replace_strict(filieres, default="").alias("filiere"),
    )


def _check(frame: pl.DataFrame, today: datetime.date):
    headers = frame.columns
    holder: dict = {}
    keep = _selector(holder)(headers)
    named = frame.select([pl.col(headers[i]).alias(name) for i, name in keep.items()])
    named = named.with_row_index("__line", offset=2).with_columns(pl.col("__line").cast(pl.Int64))
    return check(named, holder["labels"], today=today)


def build(ctx) -> None:
    from relais.findings.services import extract_create, extract_record, findings_request_intervention
    from relais.interventions.demo import _coordinator

    first_day, second_day = ctx.as_of - datetime.timedelta(days=75), ctx.as_of - datetime.timedelta(days=5)
    agents = _base(ctx.as_of)
    if agents.height == 0:
        return
    added = _local_grades(agents)
    busiest = (
        agents.filter(pl.col("direction").is_in(FOLLOWED) & (pl.col("hr_manager") != ""))
        .group_by("direction", "hr_manager").len()
        .sort(["direction", "len", "hr_manager"], descending=[False, True, False])
        .group_by("direction", maintain_order=True).head(SLOPPY_PER_DIRECTION)
    )  # fmt: skip
    sloppy = frozenset(busiest.get_column("hr_manager").to_list())
    accompanied = frozenset(busiest.filter(pl.col("direction") == ACCOMPANIED).get_column("hr_manager").to_list())
    base = agents.drop("statut_value", "filiere_value")
    counts = []
    for day, careless, rate in ((first_day, sloppy, 0.3), (second_day, sloppy - accompanied, 0.3)):
        frame = synthetic.extract(base, today=day, seed=7, fault_rate=0.012, sloppy=careless, sloppy_rate=rate)
        result = _check(frame, day)
        extract = extract_create(acting_user=None, kind=ExtractKind.HR_QUALITY, source_name=f"sirh-{day:%Y-%m}.csv",
                                 as_of=day, findings=result.findings, rows=result.rows, stage=False)  # fmt: skip
        extract_record(acting_user=None, extract=extract, findings=result.findings)
        counts.append(extract.findings_count)
        if day == first_day:
            direction = Direction.objects.filter(code=ACCOMPANIED).first()
            if direction is not None and accompanied:
                request = findings_request_intervention(acting_user=_coordinator(), direction=direction)
                made = datetime.datetime.combine(first_day + datetime.timedelta(days=3), datetime.time(10),
                                                 tzinfo=datetime.UTC)  # fmt: skip
                InterventionFindings.objects.filter(request=request).update(created_at=made, updated_at=made)
    journal_demo_load(action="demo.findings", label="findings",
                      payload={"extractions": 2, "constats": counts, "grades_locaux": added})  # fmt: skip
    ctx.log(f"Fiabilité RH : {counts[0]} puis {counts[1]} constats sur deux extractions, {added} grades locaux")
