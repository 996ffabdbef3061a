"""Completeness by statut: what a file of each statut must hold to be paid right."""

import polars as pl

from relais.findings.enums import Family, Severity
from relais.findings.rules.base import Fault, quoted, rule, text

F, W, E = Family.COMPLETENESS, Severity.WARNING, Severity.ERROR
FONCTIONNAIRES = ["titulaire", "stagiaire"]


def _missing_for_fonctionnaire(name: str, what: str):
    def find(ctx):
        mask = pl.col("_statut").is_in(FONCTIONNAIRES) & pl.col("_active") & (pl.col(name) == "")
        return [
            Fault(
                name,
                mask,
                text(
                    f"{what} manquant pour un agent ",
                    quoted("statut"),
                    " : un fonctionnaire a toujours un grade, une catégorie et une filière",
                ),
            )
        ]

    return find


rule("COMP-GRADE", F, E, "Grade manquant (fonctionnaire)", ("statut", "grade"))(
    _missing_for_fonctionnaire("grade", "grade")
)
rule("COMP-CATEGORIE", F, W, "Catégorie manquante (fonctionnaire)", ("statut", "category"))(
    _missing_for_fonctionnaire("category", "catégorie")
)
rule("COMP-FILIERE", F, W, "Filière manquante (fonctionnaire)", ("statut", "filiere"))(
    _missing_for_fonctionnaire("filiere", "filière"))  # fmt: skip


@rule("COMP-STATUT", F, E, "Statut manquant", ("statut",))
def statut(ctx):
    return [
        Fault(
            "statut",
            pl.col("_active") & (pl.col("statut") == ""),
            "statut manquant : titulaire, stagiaire, contractuel, apprenti ou vacataire attendu",
        )
    ]


@rule("COMP-FIN-CDD", F, E, "CDD sans date de fin", ("statut", "contract_end"))
def fixed_term_end(ctx):
    return [
        Fault(
            "contract_end",
            pl.col("_cdd") & pl.col("_active") & (pl.col("contract_end") == ""),
            "un contrat à durée déterminée a une date de fin : cellule vide",
        )
    ]


@rule("COMP-NIR", F, E, "NIR manquant", ("nir",))
def nir(ctx):
    return [
        Fault(
            "nir",
            pl.col("_active") & (pl.col("_nir") == ""),
            "NIR manquant : la paie et les déclarations sociales en ont besoin",
        )
    ]


@rule("COMP-NAISSANCE", F, W, "Date de naissance manquante", ("birth_date",))
def birth(ctx):
    return [Fault("birth_date", pl.col("_active") & (pl.col("birth_date") == ""), "date de naissance manquante")]


@rule("COMP-ENTREE", F, W, "Date d'entrée manquante", ("entry_date",))
def entry(ctx):
    return [Fault("entry_date", pl.col("_active") & (pl.col("entry_date") == ""), "date d'entrée manquante")]


@rule("COMP-GESTIONNAIRE", F, W, "Gestionnaire RH manquant", ("hr_manager",))
def manager(ctx):
    return [
        Fault(
            "hr_manager",
            pl.col("_active") & (pl.col("hr_manager") == ""),
            "aucun gestionnaire RH : le dossier n'est suivi par personne",
        )
    ]
