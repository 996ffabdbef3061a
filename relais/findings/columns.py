"""The columns the checks read beyond those an import keeps: identity and bank columns, birth date, civility,
positions and contracts, postcode, personal contacts.

They are read in flight under names `__chk_<field>` (never staged, never stored: décret 2019-341 for the NIR and
bank details, data minimisation for the rest), checked, and dropped with the frame. Headers are compared as the
imports compare them (`relais.imports.columns.header_key`: case, accents, punctuation, bracketed notes ignored).
"""

from relais.imports.columns import AGENT_FIELDS, header_key, is_forbidden

PREFIX = "__chk_"

# Check-only fields: {field: (French label, aliases as folded headers)}.
CHECK_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "civility": ("civilité", ("civilite", "sexe", "genre", "titre de civilite")),
    "birth_date": ("date de naissance", ("date de naissance", "date naissance", "ne le", "nee le", "naissance",
                                         "date de naissance agent")),
    "postcode": ("code postal", ("code postal", "cp", "code postal domicile", "code postal de residence")),
    "personal_phone": ("téléphone personnel", ("telephone personnel", "telephone portable", "portable",
                                               "tel portable", "mobile", "telephone mobile", "tel perso")),
    "personal_email": ("courriel personnel", ("courriel personnel", "e mail personnel", "email personnel",
                                              "mail personnel", "adresse mail personnelle")),
    "position": ("position administrative", ("position administrative", "position", "position statutaire",
                                             "libelle position", "position de l agent")),
    "position_end": ("date de fin de position", ("date de fin de position", "fin de position", "date fin position",
                                                 "date de fin de la position")),
    "contract_end": ("date de fin de contrat", ("date de fin de contrat", "fin de contrat", "date fin contrat",
                                                "date de fin du contrat", "fin du contrat")),
}  # fmt: skip
# Forbidden columns (NIR, bank details) the checks read, by a word or phrase of their folded header, in this order.
FORBIDDEN_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("iban", ("iban",)),
    ("bic", ("bic", "swift")),
    ("rib_key", ("cle rib", "cle", "rib")),
    ("bank_code", ("code banque", "banque", "etablissement bancaire")),
    ("branch_code", ("guichet",)),
    ("account_number", ("numero de compte", "n de compte", "compte")),
    ("nir", ("nir", "securite sociale", "secu", "nss", "insee", "numero social", "social security")),
)
LABELS = {
    **{field: label for field, (label, _aliases) in CHECK_FIELDS.items()},
    **{spec.name: spec.label for spec in AGENT_FIELDS},
    "nir": "NIR",
    "iban": "IBAN",
    "bic": "BIC",
    "rib_key": "clé RIB",
    "bank_code": "code banque",
    "branch_code": "code guichet",
    "account_number": "numéro de compte",
}
_ALIASES = {alias: field for field, (_label, aliases) in CHECK_FIELDS.items() for alias in aliases}
_AGENT_KEYS = {header_key(a) for spec in AGENT_FIELDS for a in (spec.name, *spec.aliases)}


def forbidden_field(header: str) -> str | None:
    """Which bank or identity field a forbidden header holds, or None (a "Domiciliation" column is not checked)."""
    words = f" {header_key(header)} "
    for field, needles in FORBIDDEN_FIELDS:
        if any(f" {needle} " in words for needle in needles):
            return field
    return None


def check_field(header: str) -> str | None:
    """The check-only field a header holds (forbidden ones included), or None when an import field or unknown."""
    if not header:
        return None
    if is_forbidden(header):
        return forbidden_field(header)
    key = header_key(header)
    if key in _AGENT_KEYS:
        return None
    return _ALIASES.get(key)


def check_columns(headers: list[str], taken=()) -> dict[int, str]:
    """{column index: `__chk_<field>`} of the check-only columns of a header row (the first of each field)."""
    out, seen = {}, set()
    for index, header in enumerate(headers):
        if index in taken:
            continue
        field = check_field(header)
        if field and field not in seen:
            seen.add(field)
            out[index] = PREFIX + field
    return out
