"""Formatting of rates for pages: French percentages and bar widths in 5 % steps.

Bars are sized by CSS classes (`bar-0` … `bar-100`), never by inline styles: the CSP forbids them.
"""

from django import template

register = template.Library()

NARROW_NBSP = "\u202f"


@register.filter
def percent(share: float | None, decimals: int = 0) -> str:
    """0.3712 -> "37 %" (French typography: narrow no-break space before the sign); None -> "—"."""
    if share is None:
        return "—"
    value = f"{share * 100:.{int(decimals)}f}".replace(".", ",")
    return f"{value}{NARROW_NBSP}%"


@register.filter
def bar_step(share: float | None) -> int:
    """The width class of a bar: the share rounded to the nearest 5 %, between 0 and 100."""
    if share is None:
        return 0
    return max(0, min(100, int(round(share * 20)) * 5))
