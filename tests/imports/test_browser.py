"""The import pages in a real browser: accessible (axe), no CSP violation, usable end to end."""

import pytest

from tests.browser.conftest import city  # noqa: F401 - the fixture of the browser tests
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import DESKTOP
from tests.imports.helpers import csv_bytes, hr_row

pytestmark = pytest.mark.browser


def test_import_from_the_page_with_a_rejected_row(open_page, city, tmp_path):  # noqa: F811
    page = open_page(DESKTOP)
    base = city["url"]
    log_in(page, base, "admin")
    page.goto(f"{base}/imports/nouveau/")
    assert_accessible(page, "formulaire d'import")

    page.get_by_role("button", name="Analyser le fichier").click()
    summary = page.get_by_role("alert")
    assert "Fichier" in summary.inner_text()
    assert_accessible(page, "formulaire en erreur")

    path = tmp_path / "rh.csv"
    path.write_bytes(csv_bytes([hr_row("300001", "Nouvel", "Agent"), hr_row("300002", cat="Z")]))
    page.get_by_label("Extraction RH (agents)").check()
    page.get_by_label("Fichier", exact=False).first.set_input_files(str(path))
    page.get_by_role("button", name="Analyser le fichier").click()
    page.get_by_role("heading", name="Ce qui changerait").wait_for()
    assert "Catégorie inconnue" in page.content()
    assert_accessible(page, "compte rendu de simulation")

    page.get_by_label("Appliquer seulement les lignes valides").check()
    page.get_by_role("button", name="Appliquer l'import").click()
    page.get_by_role("heading", name="Ce qui a changé").wait_for()
    assert_accessible(page, "compte rendu appliqué")

    page.goto(f"{base}/imports/")
    assert "rh.csv" in page.content()
    assert_accessible(page, "historique")
    assert_no_problems(page)
