"""The identifiers Relais must never keep — the NIR and bank details (DOMAIN.md §6, décret 2019-341) —
recognised by their checksums, as single values and inside free text.

python-stdnum and schwifty check the NIR and the IBAN but neither the RIB key nor the NIR's allowed months
(20–42 and ≥ 50 for births whose month is unknown), so the three checks are written here once; the HR
data-reliability rules (relais/findings) vectorise the same arithmetic and test themselves against these.
"""

import re
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s.\-]")

# S AA MM DD CCC OOO KK: sex (1–2, 3–4 and 7–8 for temporary numbers), year, month (01–12, 20–42, ≥ 50),
# department (01–99, 2A, 2B), commune, order, key.
NIR_SHAPE = re.compile(r"[1-478]\d{2}(?:0[1-9]|1[0-2]|[23]\d|4[0-2]|[5-9]\d)(?:\d{2}|2A|2B)\d{6}\d{2}")
IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}")
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def compact(value: str) -> str:
    """The value without spaces, dots or dashes, in capitals: how the checks read it."""
    return _SEPARATORS.sub("", str(value)).upper()


def nir_key(first_thirteen: str) -> int:
    """The NIR's key: 97 − (the first 13 characters as a number mod 97), Corsica's 2A and 2B read 19 and 18."""
    digits = first_thirteen[:5] + first_thirteen[5:7].replace("2A", "19").replace("2B", "18") + first_thirteen[7:]
    return 97 - int(digits) % 97


def nir_is_valid(value: str) -> bool:
    """A well-formed NIR (15 characters, spaces allowed) whose key is right."""
    nir = compact(value)
    return bool(NIR_SHAPE.fullmatch(nir)) and nir_key(nir[:13]) == int(nir[13:])


def iban_is_valid(value: str) -> bool:
    """An IBAN whose checksum holds: the first four characters moved to the end, letters as 10–35, mod 97 = 1."""
    iban = compact(value)
    if not IBAN_SHAPE.fullmatch(iban):
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def rib_key(bank: str, branch: str, account: str) -> int:
    """The French RIB key: 97 − ((89 × bank + 15 × branch + 3 × account) mod 97), the account's letters as digits."""
    account_digits = compact(account).translate(_RIB_LETTERS)
    return 97 - (89 * int(compact(bank)) + 15 * int(compact(branch)) + 3 * int(account_digits)) % 97


def rib_is_valid(bank: str, branch: str, account: str, key: str) -> bool:
    """Bank (5 digits), branch (5 digits), account (11 characters) and key (2 digits) that agree."""
    bank, branch, account, key = (compact(part) for part in (bank, branch, account, key))
    if not (re.fullmatch(r"\d{5}", bank) and re.fullmatch(r"\d{5}", branch) and re.fullmatch(r"\d{2}", key)):
        return False
    if not re.fullmatch(r"[0-9A-Z]{11}", account):
        return False
    return rib_key(bank, branch, account) == int(key)


# In free text: a NIR written with or without spaces between its groups, an IBAN in groups of four or in one piece.
_NIR_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[AaBb]) ?\d{3} ?\d{3} ?\d{2}(?![0-9A-Za-z])"
)
_IBAN_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]{2}\d{2}(?: ?[0-9A-Za-z]){11,30}(?![0-9A-Za-z])")

KIND_LABELS = {"nir": "un numéro de sécurité sociale (NIR)", "iban": "des coordonnées bancaires (IBAN)"}


@dataclass(frozen=True)
class Found:
    kind: str  # "nir" or "iban"
    start: int
    end: int


def _iban_prefix(text: str, start: int, end: int) -> int | None:
    """The end of the longest valid IBAN starting at `start` within text[start:end] (words may follow it)."""
    for stop in range(end, start + 14, -1):
        if text[stop - 1] != " " and (stop == end or text[stop] == " ") and iban_is_valid(text[start:stop]):
            return stop
    return None


def find_identifiers(text: str) -> list[Found]:
    """Every NIR and IBAN whose checksum holds in the text, in order; numbers that merely look alike are left."""
    if not text:
        return []
    found = [Found("nir", m.start(), m.end()) for m in _NIR_IN_TEXT.finditer(text) if nir_is_valid(m.group())]
    for match in _IBAN_IN_TEXT.finditer(text):
        stop = _iban_prefix(text, match.start(), match.end())
        if stop and not any(f.start < stop and match.start() < f.end for f in found):
            found.append(Found("iban", match.start(), stop))
    return sorted(found, key=lambda f: f.start)


def mask_identifiers(text: str) -> tuple[str, set[str]]:
    """The text with each NIR and IBAN replaced by a placeholder, and the kinds that were masked."""
    found = find_identifiers(text)
    for item in reversed(found):
        text = text[: item.start] + ("[NIR masqué]" if item.kind == "nir" else "[IBAN masqué]") + text[item.end :]
    return text, {item.kind for item in found}


def identifiers_named(kinds) -> str:
    """What was found, in French and in a fixed order: « un numéro de sécurité sociale (NIR) et des coordonnées… »."""
    return " et ".join(KIND_LABELS[kind] for kind in sorted(kinds, key=list(KIND_LABELS).index))


def identifiers_message(kinds: set[str]) -> str:
    """The French sentence that tells a user why a value was refused or masked."""
    return f"Ce texte contient {identifiers_named(kinds)}, que Relais ne conserve pas. Retirez-le."
