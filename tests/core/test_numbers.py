"""Thousands are written one way on every page: "49 257", with a narrow no-break space."""

import pytest
from django.template import engines

from relais.core.templatetags.numbers import group_thousands

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (49257, None, f"49{NNBSP}257"),
        (999, None, "999"),
        (1000, None, f"1{NNBSP}000"),
        (-1234567, None, f"-1{NNBSP}234{NNBSP}567"),
        (1234.5, None, f"1{NNBSP}234,5"),
        (1234.5, 0, f"1{NNBSP}234"),
        (0.25, 1, "0,2"),
        ("2070", None, f"2{NNBSP}070"),
        (None, None, ""),
        ("n/a", None, "n/a"),
    ],
)
def test_group_thousands(value, decimals, expected):
    assert group_thousands(value, decimals) == expected


def test_filter_is_available_in_every_template_without_load():
    template = engines["django"].from_string("{{ n|thousands }} agents, {{ h|thousands:1 }} h")
    assert template.render({"n": 49257, "h": 1234.56}) == f"49{NNBSP}257 agents, 1{NNBSP}234,6 h"


def test_no_template_uses_another_way(settings):
    """`intcomma` (a plain no-break space) and `floatformat:"g"` group differently: one filter everywhere."""
    from pathlib import Path

    root = Path(settings.BASE_DIR) / "relais"
    offenders = [
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if "|intcomma" in (text := p.read_text()) or 'floatformat:"g"' in text or "floatformat:'g'" in text
    ]
    assert offenders == []
