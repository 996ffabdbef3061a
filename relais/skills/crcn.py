"""The CRCN (Cadre de référence des compétences numériques, décret 2019-919), as Pix names it.

Reference data: the data migration writes it, and the Pix reader matches export headers against it on a
folded key (`competence_key`): case, accents, curly or straight apostrophes and spacing do not count, so
"S’insérer dans le monde numérique" and "Développer des documents multimedia" are recognised.
"""

import re

from relais.core.text import fold

DOMAINS = [
    ("1", "Information et données"),
    ("2", "Communication et collaboration"),
    ("3", "Création de contenu"),
    ("4", "Protection et sécurité"),
    ("5", "Environnement numérique"),
]
COMPETENCES = [
    ("1.1", "Mener une recherche et une veille d'information"),
    ("1.2", "Gérer des données"),
    ("1.3", "Traiter des données"),
    ("2.1", "Interagir"),
    ("2.2", "Partager et publier"),
    ("2.3", "Collaborer"),
    ("2.4", "S'insérer dans le monde numérique"),
    ("3.1", "Développer des documents textuels"),
    ("3.2", "Développer des documents multimédia"),
    ("3.3", "Adapter les documents à leur finalité"),
    ("3.4", "Programmer"),
    ("4.1", "Sécuriser l'environnement numérique"),
    ("4.2", "Protéger les données personnelles et la vie privée"),
    ("4.3", "Protéger la santé, le bien-être et l'environnement"),
    ("5.1", "Résoudre des problèmes techniques"),
    ("5.2", "Construire un environnement numérique"),
]
# The programme's tools (adoption.Tool codes) and the competences they call on: which Pix results say how
# much help an agent needs with each. Data: the migration writes it, the coordinator edits it in the admin.
TOOL_COMPETENCES = {
    "messagerie": ["2.1", "4.1", "4.2"],  # write and answer, passwords and phishing, what not to send
    "badgeuse": ["5.1", "5.2"],  # install and set up an app on one's phone, get past a blocked screen
    "self-service-rh": ["1.2", "2.4", "4.2"],  # download and keep a payslip, do a procedure online
    "intranet": ["1.1", "2.4"],  # find a page or a procedure on the portal
}

APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc\u0060\u00b4']")


def competence_key(name: str) -> str:
    """The folded form in which competence names are compared (apostrophes become spaces first)."""
    key = fold(APOSTROPHES.sub(" ", name or ""))
    return re.sub(r"\bmultimedias\b", "multimedia", key)


CODES_BY_KEY = {competence_key(name): code for code, name in COMPETENCES}
DOMAIN_CODES_BY_KEY = {competence_key(name): code for code, name in DOMAINS}
