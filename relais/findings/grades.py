"""Grade labels as extracts write them, folded so that « Adj. tech. ppal 2e cl. » is « Adjoint technique principal
de 2e classe »: case, accents, punctuation, articles, word order, feminine forms and the usual abbreviations ignored.
"""

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from relais.core.text import fold

DATA = Path(__file__).parent / "data" / "fpt_grades.csv"

_STOP = frozenset({"de", "des", "du", "d", "l", "la", "le", "les", "et", "en", "territorial", "territoriale",
                   "territoriaux", "territoriales", "terr", "classe", "cl", "grade"})  # fmt: skip
_WORDS = {
    "ppal": "principal", "pal": "principal", "princ": "principal", "pr": "principal", "principale": "principal",
    "adj": "adjoint", "adjointe": "adjoint", "tech": "technique", "techn": "technique", "tec": "technique",
    "adm": "administratif", "admin": "administratif", "administrative": "administratif", "anim": "animation",
    "1re": "1", "1ere": "1", "1er": "1", "premiere": "1", "2e": "2", "2eme": "2", "2nde": "2", "2nd": "2",
    "deuxieme": "2", "technicienne": "technicien", "redactrice": "redacteur", "attachee": "attache",
    "animatrice": "animateur", "educatrice": "educateur", "infirmiere": "infirmier", "ingenieure": "ingenieur",
    "conseillere": "conseiller", "assistante": "assistant", "bibliothecaire": "bibliothecaire",
    "puericultrices": "puericultrice", "directrice": "directeur", "monitrice": "moniteur", "hc": "hors",
    "exc": "exceptionnelle", "sup": "superieure", "etab": "etablissements", "ens": "enseignement",
    "ecoles": "ecoles", "agt": "agent", "maitrise": "maitrise", "mait": "maitrise",
}  # fmt: skip
_PHRASES = (("activites physiques sportives", "aps"), ("hors", "hors"))


def grade_key(label: str) -> str:
    """The folded key of a grade label; "" when empty."""
    words = [_WORDS.get(w, w) for w in fold(label).split()]
    # « 1re cl. » written « 1 cl » or glued « 1ere » are the same; « classe » itself is dropped (in _STOP).
    words = [w for w in words if w not in _STOP]
    text = " ".join(words)
    for phrase, short in _PHRASES:
        text = text.replace(phrase, short)
    return " ".join(sorted(text.split()))


@dataclass(frozen=True)
class GradeRow:
    filiere: str
    cadre: str
    category: str
    label: str
    aliases: tuple[str, ...]


def shipped_rows() -> list[GradeRow]:
    """The rows of the shipped reference table (`data/fpt_grades.csv`, sourced and dated in its header)."""
    text = "".join(
        line for line in DATA.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("#")
    )
    rows = []
    for row in csv.DictReader(io.StringIO(text), delimiter=";"):
        aliases = tuple(a.strip() for a in (row.get("alias") or "").split("|") if a.strip())
        rows.append(GradeRow(row["filiere"], row["cadre"], row["categorie"], row["grade"], aliases))
    return rows
