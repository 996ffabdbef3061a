from axe_playwright_python.sync_playwright import Axe

from tests.browser.plugin import PASSWORD

_axe = Axe()


def assert_accessible(page, label: str = "") -> None:
    """axe-core finds no violation on the page as it stands (all rules, WCAG 2.1 AA and best practices)."""
    results = _axe.run(page)
    assert results.violations_count == 0, f"axe ({label or page.url}):\n{results.generate_report()}"


def assert_no_problems(page) -> None:
    """No JavaScript error and no Content Security Policy violation reported by the browser."""
    assert page.problems == [], page.problems


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/")
    assert "/compte/connexion/" in page.url
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base_url}/")


def open_menu(page) -> None:
    """Unfold the phone's main menu when it is folded behind its "Menu" button (nothing to do on a desktop)."""
    toggle = page.locator("[data-relais-menu]")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def log_out(page) -> None:
    """Click "Se déconnecter", opening the phone's menu first."""
    open_menu(page)
    page.get_by_role("button", name="Se déconnecter").click()
