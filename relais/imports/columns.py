"""Which column of a file is which field: built-in French aliases, administrators' aliases, refused columns.

Headers are compared folded (`relais.core.text.fold`: case, accents, punctuation and spacing ignored),
with any bracketed note removed ("Date d'entrée (JJ/MM/AAAA)" is "date d entree").
"""

import re
from dataclasses import dataclass, field

from relais.core.text import fold
from relais.imports.enums import AliasTarget, ImportKind

_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")

# Data Relais must never hold (DOMAIN.md §6, décret 2019-341): the NIR and bank details. A column
# whose folded header holds one of these words, or one of these phrases, is dropped unread.
FORBIDDEN_WORDS = frozenset(
    {"nir", "iban", "rib", "bic", "secu", "nss", "insee", "bancaire", "bancaires", "banque", "guichet", "swift"}
)
FORBIDDEN_PHRASES = ("securite sociale", "numero social", "compte bancaire", "domiciliation", "social security",
                     "numero de compte", "n de compte", "no de compte", "num compte")  # fmt: skip


def header_key(header: str) -> str:
    return fold(_BRACKETS.sub(" ", header or ""))


def is_forbidden(header: str) -> bool:
    key = fold(header or "")
    return bool(set(key.split()) & FORBIDDEN_WORDS) or any(phrase in key for phrase in FORBIDDEN_PHRASES)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False
    max_length: int | None = None


AGENT_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("matricule", "matricule", ("matricule", "mat", "n matricule", "no matricule", "numero matricule",
              "matricule agent", "numero agent", "identifiant agent", "id agent", "employee id"), True, 32),
    FieldSpec("last_name", "nom", ("nom", "nom de famille", "nom patronymique", "nom de naissance", "last name"),
              True, 120),
    FieldSpec("usage_name", "nom d'usage", ("nom d usage", "nom usuel", "nom marital"), False, 120),
    FieldSpec("first_name", "prénom", ("prenom", "prenoms", "first name"), True, 120),
    FieldSpec("category", "catégorie", ("categorie", "cat", "categorie statutaire", "categorie hierarchique")),
    FieldSpec("filiere", "filière", ("filiere", "filiere d emploi")),
    FieldSpec("statut", "statut", ("statut", "statut agent", "statut de l agent")),
    FieldSpec("grade", "grade", ("grade", "libelle grade", "libelle du grade"), False, 150),
    FieldSpec("job_title", "emploi", ("emploi", "libelle emploi", "metier", "fonction", "poste", "intitule du poste",
              "emploi occupe"), False, 150),
    FieldSpec("direction", "direction", ("direction", "code direction", "libelle direction", "direction d affectation",
              "sigle direction"), True, 200),
    FieldSpec("service", "service", ("service", "code service", "libelle service", "service d affectation"),
              False, 200),
    FieldSpec("site", "site", ("site", "affectation", "site d affectation", "lieu de travail", "lieu d affectation",
              "etablissement"), False, 200),
    FieldSpec("hr_manager", "gestionnaire RH", ("gestionnaire rh", "matricule gestionnaire rh", "gestionnaire",
              "matricule du gestionnaire", "gestionnaire ressources humaines", "nom du gestionnaire",
              "nom gestionnaire rh", "gestionnaire de paie", "gestionnaire carriere", "code gestionnaire",
              "courriel gestionnaire rh"), False, 200),
    FieldSpec("entry_date", "date d'entrée", ("date d entree", "date entree", "date d arrivee", "date d embauche",
              "date de recrutement", "date debut")),
    FieldSpec("exit_date", "date de sortie", ("date de sortie", "date sortie", "date de depart", "date de fin",
              "date fin")),
    FieldSpec("work_phone", "téléphone professionnel", ("telephone professionnel", "telephone pro", "tel pro",
              "telephone", "tel", "telephone bureau"), False, 32),
    FieldSpec("work_email", "courriel professionnel", ("courriel professionnel", "e mail professionnel",
              "email professionnel", "mail professionnel", "adresse electronique professionnelle", "courriel",
              "e mail", "email", "mail", "adresse mail", "adresse electronique"), False, 254),
    FieldSpec("uses_computer", "utilise un ordinateur", ("utilise un ordinateur", "poste informatique",
              "ordinateur", "acces informatique")),
)  # fmt: skip

GENERIC_ADOPTION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("employee_id", "identifiant", ("identifiant", "matricule", "employee id", "id", "identifier")),
    FieldSpec("email", "adresse", ("adresse", "courriel", "e mail", "email", "mail", "address", "adresse mail",
              "login", "upn", "user principal name")),
    FieldSpec("provisioned_on", "créé le", ("cree le", "creation", "date de creation", "created", "created date")),
    FieldSpec("first_sign_in_on", "première connexion", ("premiere connexion", "premiere connexion le",
              "date de premiere connexion", "first sign in", "activation", "active le")),
    FieldSpec("last_activity_on", "dernière activité", ("derniere activite", "derniere connexion",
              "derniere activite le", "last activity", "last activity date", "last sign in")),
    FieldSpec("is_disabled", "désactivé", ("desactive", "disabled", "statut du compte", "is deleted")),
)  # fmt: skip


CHECKED_NOTICE = "n'a été ni importé ni enregistré : les contrôles de fiabilité l'ont vérifié au passage, puis oublié."


def forbidden_notice(headers: list[str], *, checked: bool = False) -> str:
    """The notice naming the NIR and bank columns left out; `checked` when the HR data-reliability checks read them
    in passing (an HR extract: `relais.findings.inflight`)."""
    fate = CHECKED_NOTICE if checked else "n'a été ni lu ni enregistré."
    return (
        "Colonnes ignorées car Relais ne conserve pas ces données (NIR, coordonnées bancaires) : "
        + ", ".join(f"« {h} »" for h in headers)
        + ". Leur contenu "
        + fate
    )


@dataclass
class ColumnMapping:
    """Outcome of matching a file's headers: kept columns, and what was ignored or refused and why."""

    keep: dict[int, str] = field(default_factory=dict)  # column index -> field name
    labels: dict[str, str] = field(default_factory=dict)  # field name -> header as in the file
    forbidden: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # every header not read, in the file's order

    def notices(self, *, checked: bool = False) -> list[str]:
        """`checked`: the HR data-reliability checks read the forbidden columns in passing (`forbidden_notice`)."""
        out = []
        if self.forbidden:
            out.append(forbidden_notice(self.forbidden, checked=checked))
        if self.duplicates:
            out.append(
                "Colonnes ignorées car une autre colonne porte déjà la même information : "
                + ", ".join(f"« {h} »" for h in self.duplicates)
                + "."
            )
        if self.ignored:
            out.append("Colonnes non reconnues, ignorées : " + ", ".join(f"« {h} »" for h in self.ignored) + ".")
        return out


def ignored_message(headers: list[str]) -> str:
    """The line every import summary gives: which columns of the file were not read."""
    return "Colonnes ignorées : " + (", ".join(f"« {h} »" for h in headers) if headers else "aucune") + "."


def custom_aliases(kind: str) -> dict[str, str]:
    """Administrators' header mappings {folded header: field} for one kind of import."""
    from relais.imports.models import ColumnAlias

    return {a.header_folded: a.target for a in ColumnAlias.objects.filter(kind=kind)}


def match_headers(
    headers: list[str], specs: tuple[FieldSpec, ...], *, extra: dict[str, str] | None = None
) -> ColumnMapping:
    """Map headers to fields: administrators' aliases first, then built-in ones; forbidden columns dropped."""
    builtin = {fold(alias): spec.name for spec in specs for alias in (spec.name, *spec.aliases)}
    extra = {header_key(k) or k: v for k, v in (extra or {}).items()}
    mapping = ColumnMapping()
    for index, header in enumerate(headers):
        if not header:
            continue
        if is_forbidden(header):
            mapping.forbidden.append(header)
            mapping.dropped.append(header)
            continue
        key = header_key(header)
        target = extra.get(key) or extra.get(fold(header)) or builtin.get(key) or builtin.get(fold(header))
        if target == AliasTarget.IGNORE or target is None:
            mapping.ignored.append(header)
            mapping.dropped.append(header)
        elif target in mapping.labels:
            mapping.duplicates.append(header)
            mapping.dropped.append(header)
        else:
            mapping.keep[index] = target
            mapping.labels[target] = header
    return mapping


def missing_required(mapping: ColumnMapping, specs: tuple[FieldSpec, ...]) -> list[FieldSpec]:
    # A usage name alone is a name: "NOM D'USAGE" stands for « nom » when no last-name column comes.
    present = set(mapping.labels) | ({"last_name"} if "usage_name" in mapping.labels else set())
    return [spec for spec in specs if spec.required and spec.name not in present]


def required_message(missing: list[FieldSpec], specs: tuple[FieldSpec, ...]) -> str:
    names = ", ".join(f"« {spec.label} »" for spec in missing)
    plural = "s" if len(missing) > 1 else ""
    return (
        f"Colonne{plural} obligatoire{plural} absente{plural} : {names}. Vérifiez la première ligne du fichier "
        "(noms des colonnes) ; un administrateur peut aussi ajouter une correspondance de colonne."
    )


KIND_FIELDS = {ImportKind.AGENTS: AGENT_FIELDS, ImportKind.ADOPTION: GENERIC_ADOPTION_FIELDS}
