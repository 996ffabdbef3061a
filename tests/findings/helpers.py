"""Hand-made HR extract lines for the rules' tests: one good line, and the same line with one fault."""

import csv
import datetime
import io

import polars as pl

from relais.findings.engine import check
from relais.findings.reading import read_for_checks

TODAY = datetime.date(2026, 12, 7)
# A valid NIR (man born in May 1980 in Paris), IBAN and RIB; nothing wrong with this file.
GOOD = {
    "Matricule": "100200",
    "Civilité": "M.",
    "Nom": "Durand",
    "Prénom": "Karim",
    "Date de naissance": "14/05/1980",
    "NIR": "1 80 05 75 056 048 20",
    "Catégorie": "C",
    "Filière": "Technique",
    "Statut": "Titulaire",
    "Grade": "Adjoint technique principal de 2e classe",
    "Position administrative": "Activité",
    "Date de fin de position": "",
    "Date de fin de contrat": "",
    "Direction": "DPE",
    "Service": "Collecte",
    "Gestionnaire RH": "MARTIN Sophie",
    "Date d'entrée": "01/09/2005",
    "Date de sortie": "",
    "Téléphone professionnel": "01 40 12 34 56",
    "Courriel professionnel": "karim.durand@paris.fr",
    "Code postal": "75011",
    "IBAN": "FR76 3000 6000 0112 3456 7890 189",
    "Code banque": "30006",
    "Code guichet": "00001",
    "Numéro de compte": "12345678901",
    "Clé RIB": "89",
}


def csv_of(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def run(rows: list[dict], **kwargs) -> pl.DataFrame:
    """The findings of these lines, read as the command reads a file."""
    frame, labels = read_for_checks(csv_of(rows))
    return check(frame, labels, today=TODAY, **kwargs).findings
