"""The import pages in a real browser: accessible (axe), no CSP violation, usable end to end."""

import pytest

from tests.browser.conftest import city  # noqa: F401 - the fixture of the browser tests
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.browser.plugin import DESKTOP, PHONE
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
    path.write_bytes(
        csv_bytes([hr_row("300001", "Nouvel", "Agent"), hr_row("300002", direction=""), hr_row("300003", cat="Z")])
    )
    page.get_by_label("Extraction RH (agents)").check()
    page.get_by_label("Fichier", exact=False).first.set_input_files(str(path))
    page.get_by_role("button", name="Analyser le fichier").click()
    page.get_by_role("heading", name="Ce qui changerait").wait_for()
    assert "Direction manquante" in page.content()
    assert "Catégorie inconnue « Z » : A, B ou C attendu, champ laissé vide." in page.content()
    assert_accessible(page, "compte rendu de simulation")

    page.get_by_label("Appliquer seulement les lignes valides").check()
    page.get_by_role("button", name="Appliquer l'import").click()
    page.get_by_role("heading", name="Ce qui a changé").wait_for()
    assert_accessible(page, "compte rendu appliqué")

    page.goto(f"{base}/imports/")
    assert "rh.csv" in page.content()
    assert_accessible(page, "historique")
    assert_no_problems(page)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["bureau", "telephone"])
def test_mapping_step_in_a_browser_on_desktop_and_phone(open_page, city, tmp_path, viewport):  # noqa: F811
    page = open_page(viewport)
    base = city["url"]
    log_in(page, base, "admin")
    header = ["Matricule de l'agent", "NOM", "Prenon", "Date de naissance", "UA", "Date d'embauche"]
    rows = [["300001", "Durand", "Sandrine", "12/03/1980", "DPE", "15/01/2020"],
            ["300002", "Roux", "Paul", "30/11/1990", "DPE", "3/4/2021"]]  # fmt: skip
    path = tmp_path / "sirh.csv"
    path.write_bytes(csv_bytes(rows, header=header))
    page.goto(f"{base}/imports/nouveau/")
    page.get_by_label("Extraction RH (agents)").check()
    page.get_by_label("Fichier", exact=False).first.set_input_files(str(path))
    page.get_by_role("button", name="Analyser le fichier").click()
    page.get_by_role("heading", name="Vérifier les colonnes").wait_for()
    assert "Colonne obligatoire absente : « direction »" in page.get_by_role("alert").inner_text()
    assert_accessible(page, "étape des colonnes")
    # Nothing wider than the screen: the columns stack on a phone.
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
        ".map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], wide

    page.get_by_label("Champ Relais pour la colonne « UA »").select_option("direction")
    page.get_by_label("Champ Relais pour la colonne « NOM »").select_option("first_name")
    page.get_by_role("button", name="Valider les colonnes et analyser").click()
    assert "vont toutes vers le champ « prénom »" in page.get_by_role("alert").first.inner_text()
    assert_accessible(page, "étape des colonnes en erreur")

    page.get_by_label("Champ Relais pour la colonne « NOM »").select_option("last_name")
    page.get_by_label("Enregistrer ces choix comme profil d'import (nom)").fill("SIRH mensuel")
    page.get_by_role("button", name="Valider les colonnes et analyser").click()
    page.get_by_role("heading", name="Ce qui changerait").wait_for()
    assert "« Date de naissance »" in page.content() and "SIRH mensuel" in page.content()
    assert_accessible(page, "compte rendu après les colonnes")
    assert_no_problems(page)
