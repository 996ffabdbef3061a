"""No emoji or pictographic symbol in any template: a stock Chromium without an emoji font draws ⏳ or ⏸ as
empty boxes. The app's own SVG icons (core/_icon.html) or words instead."""

import re
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

# Misc technical (⏳ ⏸ ⌛), geometric shapes, misc symbols and dingbats (⚠ ✓ ★), arrows-and-symbols supplement,
# every emoji plane, and the emoji variation selector.
PICTOGRAPHS = re.compile("[\u2300-\u23ff\u25a0-\u25ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001ffff\ufe0f]")


def test_no_template_draws_a_pictograph():
    root = Path(settings.BASE_DIR) / "relais"
    found = []
    for path in root.rglob("*.html"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if PICTOGRAPHS.search(line):
                found.append(f"{path.relative_to(root)}:{number}")
    assert found == []


def test_sla_states_are_icons_and_words():
    for state, words in (("breached", "Délai dépassé"), ("warning", "Échéance proche"), ("paused", "Délai suspendu")):
        html = render_to_string("helpdesk/_sla.html", {"state": state})
        assert words in html
        assert '<svg class="icon" aria-hidden="true"' in html
        assert not PICTOGRAPHS.search(html)
