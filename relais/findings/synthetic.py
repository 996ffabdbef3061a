"""Realistic HR extracts with known faults, generated (no randomness: the same arguments give the same file).

Used by the benchmark (a million rows), the tests (no NIR or IBAN survives a check) and the demo (two successive
extracts of the demo's agents). Every NIR, IBAN and RIB is well formed with a right key unless a fault was put in;
grades agree with filières and categories (the shipped reference table); a few percent of files carry one fault,
more of them for the HR managers named `sloppy`.
"""

import datetime

import polars as pl

from relais.agents.enums import Filiere
from relais.findings.grades import shipped_rows

HEADERS = {
    "matricule": "Matricule", "civility": "Civilité", "last_name": "Nom", "first_name": "Prénom",
    "birth_date": "Date de naissance", "nir": "NIR", "category": "Catégorie", "filiere": "Filière",
    "statut": "Statut", "grade": "Grade", "position": "Position administrative",
    "position_end": "Date de fin de position", "contract_end": "Date de fin de contrat", "direction": "Direction",
    "service": "Service", "hr_manager": "Gestionnaire RH", "entry_date": "Date d'entrée", "exit_date": "Date de sortie",
    "work_phone": "Téléphone professionnel", "work_email": "Courriel professionnel", "postcode": "Code postal",
    "iban": "IBAN", "bank_code": "Code banque", "branch_code": "Code guichet", "account_number": "Numéro de compte",
    "rib_key": "Clé RIB",
}  # fmt: skip
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon",
        "Laurent", "Lefèvre", "Michel", "Garcia", "Bertrand", "Roux", "Vincent", "Fournier", "Morel", "Diallo",
        "Traoré", "Nguyen", "Haddad", "Benali", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez"]  # fmt: skip
FIRST = ["Nadia", "Karim", "Élodie", "Sandrine", "Mohamed", "Fatou", "Julien", "Chloé", "Hélène", "Yacine", "Marie",
         "Thierry", "Aïcha", "Paul", "Inès", "Lucas", "Zoé", "Mamadou", "Céline", "Théo", "Sophie", "Omar"]  # fmt: skip
DIRECTIONS = ["DPE", "DFPE", "DASCO", "DJS", "DEVE", "DAC", "DSOL", "DVD", "DRH", "DSIN"]
STATUTS = [
    "Titulaire",
    "Titulaire",
    "Titulaire",
    "Titulaire",
    "Contractuel",
    "Stagiaire",
    "Titulaire",
    "Contractuel CDD",
]
FAULTS = ("nir_key", "civility", "iban", "rib_key", "birth_year", "no_grade", "contract_position", "no_position",
          "position_over", "grade_filiere", "postcode", "email", "birth_date", "nir_twin", "phone",
          "contract_over")  # fmt: skip
U32 = 4294967296
RIB_FIELDS = ("bank_code", "branch_code", "account_number", "rib_key")


def _pick(values: list, index: pl.Expr) -> pl.Expr:
    return index.mod(len(values)).replace_strict(dict(enumerate(values)), return_dtype=pl.String)


def _z(expr: pl.Expr, width: int) -> pl.Expr:
    return expr.cast(pl.String).str.zfill(width)


def base_frame(rows: int, *, managers: int | None = None) -> pl.DataFrame:
    """The referential part of an extract (field names): matricule, names, direction, service, HR manager, statut,
    grade, filière, catégorie, entry date. One HR manager per 150 files by default."""
    grades = [r for r in shipped_rows() if r.filiere in ("technique", "administrative", "medico_sociale", "animation",
                                                          "sportive", "culturelle")]  # fmt: skip
    managers = managers or max(1, rows // 150)
    i = pl.col("i")
    statut = _pick(STATUTS, i)
    fonctionnaire = statut.is_in(["Titulaire", "Stagiaire"])
    grade_index = (i * 7919).mod(len(grades))
    return pl.DataFrame({"i": pl.int_range(0, rows, eager=True)}).select(
        "i",
        (i + 100000).cast(pl.String).alias("matricule"),
        _pick(LAST, i).alias("last_name"),
        _pick(FIRST, i // len(LAST)).alias("first_name"),
        _pick(DIRECTIONS, i // 11).alias("direction"),
        pl.format("Service {}", (i // 11).mod(4) + 1).alias("service"),
        pl.concat_str([_pick(LAST, (i.mod(managers) * 13) // 5).str.to_uppercase(), pl.lit(" "),
                       _pick(FIRST, i.mod(managers) * 7 + 3)]).alias("hr_manager"),
        statut.alias("statut"),
        pl.when(fonctionnaire).then(_pick([g.label for g in grades], grade_index)).otherwise(pl.lit("")).alias("grade"),
        pl.when(fonctionnaire).then(_pick([Filiere(g.filiere).label for g in grades], grade_index))
        .otherwise(pl.lit("")).alias("filiere"),
        pl.when(fonctionnaire).then(_pick([g.category for g in grades], grade_index)).otherwise(pl.lit(""))
        .alias("category"),
    )  # fmt: skip


def extract(
    base: pl.DataFrame,
    *,
    today: datetime.date,
    seed: int = 0,
    fault_rate: float = 0.02,
    sloppy: frozenset[str] = frozenset(),
    sloppy_rate: float = 0.25,
) -> pl.DataFrame:
    """A full HR extract (French headers, text cells) of `base`'s files, identity and bank columns included.

    `base` has the columns of `base_frame` (an `i` column is added when missing). A file is faulty with probability
    `fault_rate`, or `sloppy_rate` when its HR manager's label is in `sloppy`; its one fault is drawn from FAULTS.
    """
    if "i" not in base.columns:
        base = base.with_row_index("i").with_columns(pl.col("i").cast(pl.Int64))
    i = pl.col("i")
    u = ((i * 2654435761 + seed * 40503 + 12345) % U32) / U32
    rate = pl.when(pl.col("hr_manager").is_in(list(sloppy))).then(sloppy_rate).otherwise(fault_rate)
    kind = pl.when(u < rate).then(((i * 97 + seed * 31) // 3).mod(len(FAULTS)))
    frame = base.with_columns(kind.alias("_fault"), (i.mod(2) == 0).alias("_male"))
    fault = {name: pl.col("_fault") == n for n, name in enumerate(FAULTS)}

    # No two files one person by accident: the generated names repeat every 660 rows, and within one name the birth
    # date index moves on by one each time; files named from elsewhere (the demo) get scattered dates.
    q = (i // (len(LAST) * len(FIRST)) + i.mod(len(LAST) * len(FIRST)) * 7919).mod(14112)
    year = 1962 + q.mod(42)
    month = (q // 42).mod(12) + 1
    dom = (q // 504).mod(28) + 1
    entry_year = pl.min_horizontal(year + 20 + i.mod(20), pl.lit(today.year - 1))
    bank = 30000 + (i * 37).mod(7000)
    branch = (i * 31).mod(99999)
    account = (i * 1234567 + 9876543).mod(99_999_999_999)
    key = 97 - (89 * bank + 15 * branch + 3 * account).mod(97)
    # Commune, department and order follow the row number: no two NIRs alike (Corsica's 2A instead of 20).
    department = (i // 990).mod(95) + 1
    department = pl.when(department == 20).then(pl.lit("2A")).otherwise(_z(department, 2))
    first13 = pl.concat_str([pl.when(pl.col("_male")).then(pl.lit("1")).otherwise(pl.lit("2")), _z(year.mod(100), 2),
                             _z(month, 2), department, _z(i.mod(990) + 1, 3),
                             _z((i // 94050).mod(999) + 1, 3)])  # fmt: skip
    numeric = pl.concat_str([first13.str.slice(0, 5), first13.str.slice(5, 2).replace({"2A": "19", "2B": "18"}),
                             first13.str.slice(7)]).cast(pl.Int64)  # fmt: skip
    nir_key = 97 - numeric.mod(97)
    # The IBAN's key, from the BBAN (bank, branch, account, RIB key) followed by "FR00" as digits (152700).
    r = ((bank * 100000 + branch).mod(97) * 100_000_000_000 + account).mod(97)
    r = ((r * 100 + key).mod(97) * 1_000_000 + 152700).mod(97)
    iban_key = 98 - r
    rib = [_z(bank, 5), _z(branch, 5), _z(account, 11), _z(key, 2)]
    iban = pl.concat_str([pl.lit("FR"), _z(iban_key, 2), *rib])
    iban_spaced = pl.concat_str([iban.str.slice(k, 4) for k in range(0, 27, 4)], separator=" ")
    d = lambda y, m, dd: pl.concat_str([_z(dd, 2), _z(m, 2), y.cast(pl.String)], separator="/")  # noqa: E731
    past = today - datetime.timedelta(days=45)
    future = today + datetime.timedelta(days=200)
    titulaire = pl.col("statut") == "Titulaire"
    contractual = pl.col("statut").str.starts_with("Contractuel")
    frame = frame.with_columns(
        pl.when(pl.col("_male")).then(pl.lit("M.")).otherwise(pl.lit("Mme")).alias("civility"),
        d(year, month, dom).alias("birth_date"),
        pl.concat_str([first13, _z(nir_key, 2)]).alias("nir"),
        d(entry_year, (i * 11).mod(12) + 1, (i * 5).mod(28) + 1).alias("entry_date"),
        pl.lit("").alias("exit_date"),
        pl.when(titulaire).then(pl.lit("Activité")).otherwise(pl.lit("")).alias("position"),
        pl.lit("").alias("position_end"),
        pl.when(pl.col("statut") == "Contractuel CDD").then(pl.lit(future.strftime("%d/%m/%Y"))).otherwise(pl.lit(""))
        .alias("contract_end"),
        pl.format("01 40 {} {} {}", _z(i.mod(100), 2), _z((i // 100).mod(100), 2), _z((i // 10000).mod(100), 2))
        .alias("work_phone"),
        pl.format("agent{}@paris.fr", i + 100000).alias("work_email"),
        pl.format("750{}", _z(i.mod(20) + 1, 2)).alias("postcode"),
        iban_spaced.alias("iban"),
        *[expr.alias(name) for expr, name in zip(rib, RIB_FIELDS, strict=True)],
    )  # fmt: skip
    # One fault per faulty file.
    frame = frame.with_columns(
        pl.when(fault["nir_key"]).then(pl.concat_str([pl.col("nir").str.slice(0, 13), _z((nir_key + 1).mod(97), 2)]))
        .when(fault["nir_twin"] & (i > 0)).then(pl.col("nir").shift(1)).otherwise(pl.col("nir")).alias("nir"),
        pl.when(fault["civility"]).then(pl.when(pl.col("_male")).then(pl.lit("Mme")).otherwise(pl.lit("M.")))
        .otherwise(pl.col("civility")).alias("civility"),
        pl.when(fault["iban"]).then(pl.col("iban").str.replace(r"^(FR\d\d \d{4} )(\d)", "${1}9").str.replace(
            r"^(FR\d\d \d{4} )9(\d{3})", "${1}8${2}")).otherwise(pl.col("iban")).alias("iban"),
        pl.when(fault["rib_key"]).then(_z((key + 1).mod(97), 2)).otherwise(pl.col("rib_key")).alias("rib_key"),
        pl.when(fault["birth_year"]).then(d(year + 1, month, dom)).when(fault["birth_date"]).then(pl.lit("31/02/1980"))
        .otherwise(pl.col("birth_date")).alias("birth_date"),
        pl.when(fault["no_grade"] & titulaire).then(pl.lit("")).when(fault["grade_filiere"] & titulaire)
        .then(pl.when(pl.col("filiere") == "Administrative").then(pl.lit("Adjoint technique"))
              .otherwise(pl.lit("Rédacteur")))
        .otherwise(pl.col("grade")).alias("grade"),
        pl.when(fault["contract_position"] & contractual).then(pl.lit("Activité"))
        .when(fault["no_position"] & titulaire).then(pl.lit(""))
        .when(fault["position_over"] & titulaire).then(pl.lit("Disponibilité")).otherwise(pl.col("position"))
        .alias("position"),
        pl.when(fault["position_over"] & titulaire).then(pl.lit(past.strftime("%d/%m/%Y")))
        .otherwise(pl.col("position_end")).alias("position_end"),
        pl.when(fault["contract_over"] & contractual).then(pl.lit(past.strftime("%d/%m/%Y")))
        .otherwise(pl.col("contract_end")).alias("contract_end"),
        pl.when(fault["postcode"]).then(pl.lit("7501")).otherwise(pl.col("postcode")).alias("postcode"),
        pl.when(fault["email"]).then(pl.col("work_email").str.replace(r"\.fr$", "")).otherwise(pl.col("work_email"))
        .alias("work_email"),
        pl.when(fault["phone"]).then(pl.lit("01 40 2")).otherwise(pl.col("work_phone")).alias("work_phone"),
    )  # fmt: skip
    # A grade of the other filière keeps its catégorie right: one fault only.
    frame = frame.with_columns(
        pl.when(fault["grade_filiere"] & titulaire)
        .then(pl.when(pl.col("filiere") == "Administrative").then(pl.lit("C")).otherwise(pl.lit("B")))
        .otherwise(pl.col("category")).alias("category")
    )  # fmt: skip
    return frame.select([pl.col(name).alias(header) for name, header in HEADERS.items() if name in frame.columns])


def write_csv(frame: pl.DataFrame, path) -> None:
    frame.write_csv(path, separator=";")
