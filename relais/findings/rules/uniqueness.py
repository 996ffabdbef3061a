"""Uniqueness: one person, one active file. Compared on the whole extract through 64-bit hashes kept for the run
only: the NIR itself never leaves the slice being checked (décret 2019-341), and no hash is stored.
"""

import polars as pl

from relais.findings.enums import Family, Severity
from relais.findings.rules.base import rule
from relais.imports.identifiers import MASKED_VALUE
from relais.imports.parsers import fold_expr
from relais.imports.reading import LINE

F, E, W = Family.UNIQUENESS, Severity.ERROR, Severity.WARNING
SHOWN = 5  # other lines named in a message


@rule("UNI-MATRICULE", F, E, "Matricule en double", ("matricule",), row_local=False)
def _matricule(ctx):
    return []


@rule("UNI-NIR", F, E, "Même NIR sur deux dossiers actifs", ("nir",), row_local=False)
def _nir(ctx):
    return []


@rule("UNI-IDENTITE", F, W, "Mêmes nom, prénom et date de naissance sur deux dossiers actifs",
      ("last_name", "first_name", "birth_date"), row_local=False)  # fmt: skip
def _identity(ctx):
    return []


def keys_of(batch: pl.DataFrame, ctx) -> pl.DataFrame:
    """What the uniqueness rules compare, per row of a slice: hashes, never the values."""
    cols = set(batch.columns)
    nothing = pl.lit(None, dtype=pl.UInt64)
    nir = pl.when(pl.col("_nir_shape")).then(pl.col("_nir").hash(7)) if "nir" in cols else nothing
    identity = nothing
    if {"last_name", "first_name", "_birth_date"} <= cols:
        names = pl.concat_str([fold_expr(pl.col("last_name")), fold_expr(pl.col("first_name"))], separator="|")
        identity = pl.when(pl.col("_birth_date").is_not_null() & (pl.col("last_name") != "")).then(
            pl.concat_str([names, pl.col("_birth_date").cast(pl.String)], separator="|").hash(11)
        )
    return batch.select(
        pl.col(LINE).cast(pl.Int64).alias("line"),
        (pl.col("matricule") if "matricule" in cols else pl.lit("")).alias("matricule"),
        (pl.col("direction") if "direction" in cols else pl.lit("")).alias("direction"),
        (pl.col("hr_manager") if "hr_manager" in cols else pl.lit("")).alias("hr_manager"),
        pl.col("_active").alias("active"),
        nir.alias("nir"),
        identity.alias("identity"),
    )


def find_duplicates(keys: pl.DataFrame, rule, severity: str, labels: dict[str, str]) -> list[pl.DataFrame]:
    """The findings of one uniqueness rule on the whole extract's keys."""
    if rule.code == "UNI-MATRICULE":
        key, column = "matricule", "matricule"
        scope = keys.filter((pl.col("matricule") != "") & (pl.col("matricule") != MASKED_VALUE))
        text = "matricule présent aussi ligne(s) "
    elif rule.code == "UNI-NIR":
        key, column, scope = "nir", "nir", keys.filter(pl.col("active") & pl.col("nir").is_not_null())
        text = "même NIR que le dossier actif de la ligne "
    else:
        key, column, scope = "identity", "last_name", keys.filter(pl.col("active") & pl.col("identity").is_not_null())
        text = "mêmes nom, prénom et date de naissance que le dossier actif de la ligne "
    dup = scope.filter(pl.col(key).is_duplicated())
    if rule.code != "UNI-MATRICULE":
        # One person with two files: two matricules. The same matricule twice is UNI-MATRICULE's.
        dup = dup.filter(pl.col("matricule").n_unique().over(key) > 1)
    if dup.height == 0:
        return []
    header = labels.get(column, column)
    others = dup.join(dup.select(key, pl.col("line").alias("other"), pl.col("matricule").alias("other_m")), on=key)
    others = others.filter(pl.col("other") != pl.col("line")).sort("line", "other")
    described = others.group_by("line", maintain_order=True).agg(
        pl.concat_str([pl.col("other").cast(pl.String), pl.lit(" (matricule "), pl.col("other_m"), pl.lit(")")])
        .head(SHOWN).str.join(", ").alias("others")
    )  # fmt: skip
    rows = dup.join(described, on="line")
    return [
        rows.select(
            "line",
            "matricule",
            pl.lit(header).alias("column"),
            pl.lit(rule.code).alias("rule"),
            pl.lit(rule.family).alias("family"),
            pl.lit(severity).alias("severity"),
            pl.concat_str([pl.lit("Ligne "), pl.col("line").cast(pl.String), pl.lit(f", colonne « {header} » : {text}"),
                           pl.col("others"), pl.lit(".")]).str.slice(0, 500).alias("message"),
            "direction",
            "hr_manager",
        )
    ]  # fmt: skip
