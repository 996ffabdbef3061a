"""Validity: formats and keys of the NIR, the IBAN, the French RIB, dates, postcodes, e-mail addresses, phones."""

import polars as pl

from relais.findings.enums import Family, Severity
from relais.findings.rules.base import Fault, quoted, rule, text

F, E, W = Family.VALIDITY, Severity.ERROR, Severity.WARNING
EMAIL = r"^[A-Za-z0-9._%+'\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
# French numbers (10 digits from 0, or +33 / 0033 and 9 digits) and other international ones (+ and 8 to 15 digits).
PHONE = r"^(?:0[1-9]\d{8}|(?:\+33|0033)[1-9]\d{8}|\+(?:[1-24-9]\d|3[0-24-9])\d{6,13})$"
# Metropolitan France 01–95 (20 for Corsica), overseas 97 and 98; never 00 nor 96.
POSTCODE = r"^(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{3}$"


@rule("VAL-NIR-FORMAT", F, E, "NIR mal formé", ("nir",))
def nir_format(ctx):
    return [Fault("nir", (pl.col("_nir") != "") & ~pl.col("_nir_shape"),
                  "NIR mal formé : 15 caractères attendus (sexe, année, mois, département dont 2A et 2B, commune, "
                  "ordre, clé), le mois de 01 à 12, de 20 à 42 ou à partir de 50")]  # fmt: skip


@rule("VAL-NIR-CLE", F, E, "Clé du NIR fausse", ("nir",))
def nir_key(ctx):
    from relais.findings.checksums import nir_key_ok

    mask = pl.col("_nir_shape") & ~nir_key_ok(pl.col("_nir"))
    return [Fault("nir", mask, "clé du NIR fausse : elle doit valoir 97 moins le reste de la division par 97 des "
                               "13 premiers chiffres (2A et 2B comptés 19 et 18) ; vérifiez le numéro")]  # fmt: skip


@rule("VAL-IBAN", F, E, "IBAN invalide", ("iban",))
def iban(ctx):
    from relais.findings.checksums import iban_ok

    mask = (pl.col("_iban") != "") & ~iban_ok(pl.col("_iban"))
    return [Fault("iban", mask, "IBAN invalide : sa clé de contrôle ne correspond pas (un chiffre ou une lettre "
                                "mal recopié) ; vérifiez-le sur le RIB de l'agent")]  # fmt: skip


@rule("VAL-RIB-CLE", F, E, "Clé RIB fausse", ("bank_code", "branch_code", "account_number", "rib_key"))
def rib(ctx):
    from relais.findings.checksums import rib_ok

    parts = [pl.col(f"_{n}") for n in ("bank_code", "branch_code", "account_number", "rib_key")]
    given = pl.any_horizontal([p != "" for p in parts])
    return [Fault("rib_key", given & ~rib_ok(*parts),
                  "RIB incohérent : code banque (5 chiffres), code guichet (5 chiffres), numéro de compte "
                  "(11 caractères) et clé (2 chiffres) ne donnent pas cette clé ; "
                  "vérifiez-les sur le RIB")]  # fmt: skip


@rule("VAL-DATE", F, E, "Date illisible", ())
def dates(ctx):
    from relais.findings.engine import DATE_FIELDS

    return [
        Fault(name, pl.col(f"_{name}_bad"), text("date illisible ", quoted(name), " : JJ/MM/AAAA attendu"))
        for name in DATE_FIELDS
        if ctx.has(name)
    ]


@rule("VAL-CP", F, W, "Code postal invalide", ("postcode",))
def postcode(ctx):
    value = pl.col("postcode").str.replace_all(r"\s", "")
    return [
        Fault(
            "postcode",
            (value != "") & ~value.str.contains(POSTCODE),
            text("code postal invalide ", quoted("postcode"), " : 5 chiffres attendus (75011, 97400…)"),
        )
    ]


@rule("VAL-COURRIEL", F, W, "Adresse électronique invalide", ())
def email(ctx):
    return [
        Fault(name, (pl.col(name) != "") & ~pl.col(name).str.contains(EMAIL),
              text("adresse électronique invalide ", quoted(name), " : prenom.nom@domaine.fr attendu"))
        for name in ("work_email", "personal_email")
        if ctx.has(name)
    ]  # fmt: skip


@rule("VAL-TEL", F, W, "Numéro de téléphone invalide", ())
def phone(ctx):
    out = []
    for name in ("work_phone", "personal_phone"):
        if ctx.has(name):
            digits = pl.col(name).str.replace_all(r"[\s.\-()/]", "")
            out.append(Fault(name, (digits != "") & ~digits.str.contains(PHONE),
                             text("numéro de téléphone invalide ", quoted(name),
                                  " : 10 chiffres commençant par 0, ou +33 et 9 chiffres")))  # fmt: skip
    return out
