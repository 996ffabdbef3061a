"""What a rule is, and the registry of every rule (one module per family registers its own).

A rule has a stable code ("VAL-NIR-CLE"), a family, a default severity, a short French title, the fields it needs,
and `find(ctx)`: the faults it sees, each a column (the field whose header the finding names), a Polars mask over
the prepared rows (`relais.findings.engine.prepare`) and the French text of what is wrong and what is expected.
The engine adds « Ligne N, colonne « en-tête » : » before the text. Texts never quote a NIR or bank value.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Fault:
    column: str  # a field name; the finding names its header as in the file
    mask: pl.Expr
    text: pl.Expr | str


@dataclass
class Context:
    fields: frozenset[str]
    today: datetime.date
    reference: "object"  # relais.findings.engine.Reference

    def has(self, *names: str) -> bool:
        return all(n in self.fields for n in names)


@dataclass(frozen=True)
class Rule:
    code: str
    family: str
    severity: str
    title: str
    needs: tuple[str, ...]
    find: Callable[[Context], list[Fault]]
    row_local: bool = True  # False: the engine gives it the whole file's keys (uniqueness)

    def applies(self, ctx: Context) -> bool:
        return ctx.has(*self.needs)


REGISTRY: dict[str, Rule] = {}


def rule(code: str, family: str, severity: str, title: str, needs: tuple[str, ...] = (), *, row_local: bool = True):
    """Register `find` as the rule `code`."""

    def register(find):
        if code in REGISTRY:
            raise ValueError(f"rule {code} registered twice")
        REGISTRY[code] = Rule(code, family, severity, title, needs, find, row_local)
        return find

    return register


def text(*parts) -> pl.Expr:
    """French text from literal strings and expressions (no format braces to escape in headers or values)."""
    return pl.concat_str([p if isinstance(p, pl.Expr) else pl.lit(p) for p in parts], ignore_nulls=True)


def quoted(column: str, limit: int = 60) -> pl.Expr:
    return text("« ", pl.col(column).str.slice(0, limit), " »")


def day(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%d/%m/%Y")
