"""Timeliness: positions and contracts whose end date has passed while the file still says the agent is there."""

import polars as pl

from relais.findings.enums import Family, Severity
from relais.findings.rules.base import Fault, day, quoted, rule, text

F, W = Family.TIMELINESS, Severity.WARNING


@rule("DEL-POSITION-ECHUE", F, W, "Position échue", ("position_end",))
def position_over(ctx):
    mask = pl.col("_active") & (pl.col("_position_end") < pl.lit(ctx.today))
    what = text("la position ", quoted("position")) if ctx.has("position") else pl.lit("la position administrative")
    return [
        Fault(
            "position_end",
            mask,
            text(
                what,
                " a pris fin le ",
                day("_position_end"),
                " : renouvelez-la, réintégrez l'agent ou enregistrez son départ",
            ),
        )
    ]


@rule("DEL-CONTRAT-ECHU", F, W, "Contrat échu", ("contract_end",))
def contract_over(ctx):
    mask = pl.col("_active") & (pl.col("_contract_end") < pl.lit(ctx.today))
    return [Fault("contract_end", mask, text("le contrat a pris fin le ", day("_contract_end"),
                                             " mais l'agent est toujours en poste : renouvellement ou départ à "
                                             "enregistrer"))]  # fmt: skip
