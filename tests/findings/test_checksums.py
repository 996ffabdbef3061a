"""The vectorised NIR, IBAN and RIB checks agree with the scalar ones of relais.core.identifiers, value by value."""

import random
import string

import polars as pl

from relais.core.identifiers import compact, iban_is_valid, nir_is_valid, nir_key, rib_is_valid, rib_key
from relais.findings import checksums

rng = random.Random(20261207)


def _digits(n):
    return "".join(rng.choice(string.digits) for _ in range(n))


def _nirs(count=4000):
    out = []
    for _ in range(count):
        month = rng.choice(["01", "05", "12", "20", "35", "42", "50", "99", "00", "13", "45"])
        department = rng.choice(["75", "2A", "2B", "93", "99", "20"])
        first = rng.choice("1234789") + _digits(2) + month + department + _digits(6)
        key = nir_key(first) if rng.random() < 0.6 else rng.randrange(100)
        nir = first + f"{key:02}"
        if rng.random() < 0.1:  # a typo: one character replaced
            i = rng.randrange(15)
            nir = nir[:i] + rng.choice(string.digits + "AB") + nir[i + 1 :]
        if rng.random() < 0.2:
            nir = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
        out.append(nir)
    return out + ["", "123", "1800575056048201"]


def _iban(bank, branch, account, key, country="FR"):
    bban = f"{bank}{branch}{account}{key}"
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02}{bban}"


def _ribs(count=3000):
    out = []
    for _ in range(count):
        bank, branch = _digits(5), _digits(5)
        account = "".join(rng.choice(string.digits + "ABCJKSZ") for _ in range(11))
        key = f"{rib_key(bank, branch, account):02}" if rng.random() < 0.6 else f"{rng.randrange(100):02}"
        out.append((bank, branch, account, key))
    return out + [("1234", "00001", "12345678901", "12"), ("", "", "", "")]


def test_nir_checks_agree_with_the_scalar_check():
    values = _nirs()
    nir = checksums.compact(pl.col("v"))
    frame = pl.DataFrame({"v": values}).select(
        (checksums.nir_shape(nir) & checksums.nir_key_ok(nir)).fill_null(False).alias("ok")
    )
    assert frame["ok"].to_list() == [nir_is_valid(v) for v in values]
    assert 0.2 < frame["ok"].mean() < 0.8  # both kinds were tested


def test_iban_and_rib_checks_agree_with_the_scalar_checks():
    ribs = _ribs()
    ibans = [_iban(*r) for r in ribs[:-2]]
    ibans += [i[:8] + ("1" if i[8] != "1" else "2") + i[9:] for i in ibans[:300]]  # typos
    ibans += [_iban("ABCD", "EFGHI", "12345678901", "22", "DE"), "FR76", "", "GB82WEST12345698765432"]
    frame = pl.DataFrame({"v": ibans}).select(checksums.iban_ok(checksums.compact(pl.col("v"))).fill_null(False))
    assert frame.to_series().to_list() == [iban_is_valid(v) for v in ibans]
    parts = pl.DataFrame(ribs, schema=["b", "g", "a", "k"], orient="row")
    ok = (
        parts.select(checksums.rib_ok(*[checksums.compact(pl.col(c)) for c in "bgak"]).fill_null(False))
        .to_series()
        .to_list()
    )
    assert ok == [bool(all(r)) and rib_is_valid(*r) for r in ribs]
    assert 0.2 < sum(ok) / len(ok) < 0.8
    written = ["fr76 3000", "FR76-3000.6", " 2 85 05 ", ""]
    assert pl.DataFrame({"v": written}).select(checksums.compact(pl.col("v"))).to_series().to_list() == [
        compact(v) for v in written
    ]
