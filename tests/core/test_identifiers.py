import pytest

from relais.core.identifiers import (
    find_identifiers,
    iban_is_valid,
    identifiers_message,
    mask_identifiers,
    nir_is_valid,
    rib_is_valid,
    rib_key,
)

NIR = "2 55 08 14 168 025 38"  # key 97 − (2550814168025 mod 97) = 38


def keyed(first: str, number: int) -> str:
    """The first 13 characters followed by the key computed from `number` (their value, Corsica read as digits)."""
    return f"{first} {97 - number % 97:02d}"


IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.mark.parametrize(
    "value",
    [NIR, "255081416802538", keyed("1 85 05 2A 123 456", 1850519123456)],
)
def test_a_nir_whose_key_holds_is_recognised(value):
    assert nir_is_valid(value)


@pytest.mark.parametrize(
    "value",
    [
        "2 55 08 14 168 025 39",  # wrong key
        "5 55 08 14 168 025 38",  # no such sex digit
        keyed("2 55 13 14 168 025", 2551314168025),  # month 13 does not exist
        "25508141680253",  # 14 characters
    ],
)
def test_a_nir_with_a_fault_is_not(value):
    assert not nir_is_valid(value)


def test_months_20_to_42_and_from_50_are_allowed():
    for month in ("20", "42", "50", "99"):
        first = f"185{month}75123456"
        assert nir_is_valid(keyed(first, int(first))), month


def test_iban_and_rib_checksums():
    assert iban_is_valid(IBAN) and iban_is_valid("GB82WEST12345698765432")
    assert not iban_is_valid("FR76 3000 6000 0112 3456 7890 188")
    assert rib_key("30006", "00001", "12345678901") == 89
    assert rib_is_valid("30006", "00001", "12345678901", "89") and not rib_is_valid(
        "30006", "00001", "12345678901", "88"
    )
    assert rib_is_valid("30002", "00550", "0000157845Z", f"{rib_key('30002', '00550', '0000157845Z'):02d}")


def test_identifiers_are_found_and_masked_in_free_text_and_lookalikes_are_left():
    text = f"Agent joignable au 01 42 76 40 40, NIR {NIR}, virement sur {IBAN.lower()} merci. Dossier 123456789012345."
    found = find_identifiers(text)
    assert [f.kind for f in found] == ["nir", "iban"]
    masked, kinds = mask_identifiers(text)
    assert masked == (
        "Agent joignable au 01 42 76 40 40, NIR [NIR masqué], virement sur [IBAN masqué] merci. "
        "Dossier 123456789012345."
    )
    assert kinds == {"nir", "iban"}
    assert "sécurité sociale (NIR) et des coordonnées bancaires (IBAN)" in identifiers_message(kinds)
    assert find_identifiers("Matricule 1234567, né en 1985") == []
