"""Numbers as French readers write them: "49 257", one way on every page (a template builtin: no `{% load %}`).

The separator is the narrow no-break space (U+202F), as in the percentages ("37 %") and the charts' labels,
so that a figure never breaks across two lines and reads the same in a table, a sentence or a PDF.
"""

from decimal import Decimal

from django import template

register = template.Library()

NARROW_NBSP = "\u202f"


def group_thousands(value, decimals: int | None = None) -> str:
    """49257 -> "49 257"; 1234.5 with decimals=1 -> "1 234,5"; anything not a number is returned as text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return str(value)
    if not number.is_finite():
        return str(value)
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else max(0, -number.as_tuple().exponent)
    text = f"{number:,.{int(decimals)}f}"
    return text.replace(",", NARROW_NBSP).replace(".", ",")


@register.filter
def thousands(value, decimals=None):
    """`{{ count|thousands }}` -> "49 257"; `{{ hours|thousands:1 }}` -> "1 234,5"."""
    return group_thousands(value, None if decimals in (None, "") else int(decimals))
