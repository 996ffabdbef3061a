"""Text helpers shared by search and imports."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(value: str) -> str:
    """Lower-case, strip accents and collapse anything but letters and digits to one space.

    "  Élodie  D'ARC-Dupré " -> "elodie d arc dupre": the form in which names and headers are compared.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return _NON_ALNUM.sub(" ", ascii_only).strip()
