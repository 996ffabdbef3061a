"""Referential: the direction, service and grade a file names exist in Relais' referential."""

import polars as pl

from relais.findings.enums import Family, Severity
from relais.findings.rules.base import Fault, quoted, rule, text
from relais.imports.parsers import fold_expr

F, W = Family.REFERENTIAL, Severity.WARNING


@rule("REF-DIRECTION", F, W, "Direction inconnue", ("direction",))
def direction(ctx):
    return [Fault("direction", (pl.col("direction") != "") & pl.col("_direction_id").is_null(),
                  text("direction ", quoted("direction"), " inconnue de Relais : code ou nom d'une direction "
                                                          "existante attendu"))]  # fmt: skip


@rule("REF-SERVICE", F, W, "Service inconnu dans sa direction", ("direction", "service"))
def service(ctx):
    known = ctx.reference.services
    if not known:
        return []
    key = pl.concat_str([pl.col("_direction_id").cast(pl.String), pl.lit("|"), fold_expr(pl.col("service"))])
    combos = [f"{d}|{s}" for d, s in known]
    mask = (pl.col("service") != "") & pl.col("_direction_id").is_not_null() & ~key.is_in(combos)
    return [
        Fault("service", mask, text("service ", quoted("service"), " inconnu dans la direction ", quoted("direction")))
    ]


@rule("REF-GRADE", F, W, "Grade absent de la table des grades", ("grade",))
def grade(ctx):
    return [Fault("grade", (pl.col("grade") != "") & pl.col("_grade_filieres").is_null(),
                  text("grade ", quoted("grade"), " absent de la table des grades de la fonction publique "
                                                  "territoriale (un administrateur peut l'y ajouter)"))]  # fmt: skip
