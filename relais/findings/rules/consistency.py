"""Consistency: the NIR against civility and date of birth, ages, grade within filière, statut against position."""

import polars as pl

from relais.findings.enums import Family, Severity
from relais.findings.rules.base import Fault, day, quoted, rule, text

F, E, W = Family.CONSISTENCY, Severity.ERROR, Severity.WARNING
AGE_MIN, AGE_MAX = 16, 70
NON_TITULAIRES = ["contractuel", "stagiaire", "apprenti", "vacataire"]


def _age(birth: pl.Expr, on) -> pl.Expr:
    on = on if isinstance(on, pl.Expr) else pl.lit(on)
    years = on.dt.year() - birth.dt.year()
    before_birthday = (on.dt.month() < birth.dt.month()) | (
        (on.dt.month() == birth.dt.month()) & (on.dt.day() < birth.dt.day())
    )
    return years - before_birthday.cast(pl.Int32)


@rule("COH-NIR-SEXE", F, E, "Civilité contraire au NIR", ("nir", "civility"))
def nir_sex(ctx):
    first = pl.col("_nir").str.slice(0, 1)
    nir_sex = (
        pl.when(first.is_in(["1", "3", "7"])).then(pl.lit("M")).when(first.is_in(["2", "4", "8"])).then(pl.lit("F"))
    )
    mask = pl.col("_nir_shape") & pl.col("_sex").is_not_null() & (nir_sex != pl.col("_sex"))
    return [
        Fault(
            "civility",
            mask,
            text(
                "la civilité ", quoted("civility"), " ne correspond pas au sexe que donne le NIR (son premier chiffre)"
            ),
        )
    ]


@rule("COH-NIR-NAISSANCE", F, E, "Naissance contraire au NIR", ("nir", "birth_date"))
def nir_birth(ctx):
    birth = pl.col("_birth_date")
    year = pl.col("_nir").str.slice(1, 2).cast(pl.Int32, strict=False)
    month = pl.col("_nir").str.slice(3, 2).cast(pl.Int32, strict=False)
    # Months 20–42 and 50 and more are given to people whose month of birth is unknown: only the year is compared.
    wrong_year = year != birth.dt.year() % 100
    wrong_month = month.is_between(1, 12) & (month != birth.dt.month())
    mask = pl.col("_nir_shape") & birth.is_not_null() & (wrong_year | wrong_month)
    return [Fault("birth_date", mask, "l'année ou le mois de naissance ne correspond pas au NIR "
                                      "(2e à 5e chiffres) : l'une des deux valeurs est fausse")]  # fmt: skip


@rule("COH-AGE-ENTREE", F, E, "Âge à l'entrée hors de 16 à 70 ans", ("birth_date", "entry_date"))
def age_at_entry(ctx):
    age = _age(pl.col("_birth_date"), pl.col("_entry_date"))
    mask = ~age.is_between(AGE_MIN, AGE_MAX)
    return [Fault("entry_date", mask, text("l'agent aurait eu ", age.cast(pl.String), " ans à son entrée le ",
                                           day("_entry_date"), " : entre 16 et 70 ans attendu (date d'entrée ou de "
                                           "naissance fausse)"))]  # fmt: skip


@rule("COH-AGE", F, E, "Âge hors de 16 à 70 ans", ("birth_date",))
def age_today(ctx):
    age = _age(pl.col("_birth_date"), ctx.today)
    mask = pl.col("_active") & ~age.is_between(AGE_MIN, AGE_MAX)
    return [Fault("birth_date", mask, text("l'agent aurait ", age.cast(pl.String), " ans aujourd'hui : un agent en "
                                           "poste a entre 16 et 70 ans (date de naissance fausse, ou départ non "
                                           "enregistré)"))]  # fmt: skip


@rule("COH-GRADE-FILIERE", F, E, "Grade hors de sa filière", ("grade", "filiere"))
def grade_filiere(ctx):
    known = pl.col("_grade_filieres")
    mask = (
        known.is_not_null() & pl.col("_filiere").is_not_null() & ~known.str.contains(pl.col("_filiere"), literal=True)
    )
    return [Fault("grade", mask, text("le grade ", quoted("grade"), " relève de la filière ",
                                      known.str.replace_all("_", "-").str.replace_all(",", " ou "),
                                      ", pas de la filière ", quoted("filiere")))]  # fmt: skip


@rule("COH-GRADE-CATEGORIE", F, W, "Catégorie contraire au grade", ("grade", "category"))
def grade_category(ctx):
    known = pl.col("_grade_categories")
    mask = (
        known.is_not_null()
        & pl.col("_category").is_in(["A", "B", "C"])
        & ~known.str.contains(pl.col("_category"), literal=True)
    )
    return [
        Fault(
            "category",
            mask,
            text(
                "le grade ",
                quoted("grade"),
                " est de catégorie ",
                known.str.replace_all(",", " ou "),
                ", pas ",
                pl.col("_category"),
            ),
        )
    ]


@rule("COH-POSITION-NON-TITULAIRE", F, E, "Position administrative d'un non-titulaire", ("statut", "position"))
def position_of_non_titulaire(ctx):
    mask = pl.col("_statut").is_in(NON_TITULAIRES) & pl.col("_position").is_not_null()
    return [Fault("position", mask, text("un agent ", quoted("statut"), " n'a pas de position administrative "
                                         "(réservée aux titulaires) : cellule à vider")), ]  # fmt: skip


@rule("COH-POSITION-TITULAIRE", F, E, "Titulaire sans position valide", ("statut", "position"))
def position_of_titulaire(ctx):
    mask = (pl.col("_statut") == "titulaire") & (pl.col("_position").is_null() | (pl.col("_position") == "?"))
    return [Fault("position", mask, text("un titulaire est dans une et une seule des quatre positions : activité, "
                                         "détachement, disponibilité ou congé parental ; trouvé ",
                                         pl.when(pl.col("position") == "").then(pl.lit("une cellule vide"))
                                         .otherwise(quoted("position"))))]  # fmt: skip
