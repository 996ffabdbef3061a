"""The diagnostic on a cheap phone (360 × 640, touch), in Chromium: an agent without account takes it from the
public address or a site's QR link, a mediator runs it with an agent; axe finds nothing on any page, and no
page weighs more than 100 KB on the wire (issue 14 §2).

Weight: the bytes Chromium received for every request of a page load (response headers and bodies as sent,
DevTools' `Network.loadingFinished` / `encodedDataLength`, redirects included), with the browser cache off:
each page is weighed as if it were the first one opened, the worst case of a phone with no room for a cache.

Every wait is bounded (the context's 10 s default, `tests/browser/plugin.py`), none waits for "network idle",
and each answer is awaited as a navigation: the next question has the same address, which `wait_for_url`
would accept at once (the loop would then run past the end).
"""

import pytest
from playwright.sync_api import expect

from relais.accounts.enums import Role
from relais.diagnostic.models import Scale, Session
from relais.journal.models import Entry
from relais.skills.enums import Band
from tests.browser.helpers import assert_accessible, assert_no_problems, log_in
from tests.factories import AgentFactory, DirectionFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.browser

CHEAP_PHONE = {"width": 360, "height": 640}
PHONE_OPTIONS = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2}
MAX_PAGE_BYTES = 100 * 1024
MAX_QUESTIONS = 12
BANDS = [str(b.label) for b in Band]


class Weigher:
    """Counts the bytes received for each request of a page, through a DevTools session on the page."""

    def __init__(self, page):
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.requests: dict[str, str] = {}
        self.received: dict[str, int] = {}
        self.redirects: dict[str, int] = {}
        self.failed: list[str] = []
        self.failed_ids: set[str] = set()
        self.cdp.on("Network.requestWillBeSent", self._sent)
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.loadingFailed", self._failed)

    def _sent(self, event):
        if event["request"]["url"].startswith("data:"):
            return
        self.requests[event["requestId"]] = event["request"]["url"]
        redirect = event.get("redirectResponse")
        if redirect:  # the 302 after a form's POST: its headers travelled too
            self.redirects[event["requestId"]] = self.redirects.get(event["requestId"], 0) + int(
                redirect.get("encodedDataLength", 0)
            )

    def _failed(self, event):
        if event["requestId"] in self.requests:
            self.failed_ids.add(event["requestId"])
            self.failed.append(f"{self.requests[event['requestId']]}: {event.get('errorText')}")

    def _finished(self, event):
        self.received[event["requestId"]] = int(event["encodedDataLength"])

    def _settle(self):
        """Wait for the page's load event, then until every request seen so far has finished (the DevTools
        events reach Python in order with the replies, so each round trip brings the ones already sent)."""
        self.page.wait_for_load_state("load")
        for _ in range(50):
            self.page.evaluate("1")
            if set(self.requests) <= set(self.received) | set(self.failed_ids):
                return
            self.page.wait_for_timeout(100)

    def reset(self):
        """Forget what the current page loaded (once it has finished loading): the next page is weighed alone."""
        self._settle()
        self.failed_ids.clear()
        self.requests.clear()
        self.received.clear()
        self.redirects.clear()
        self.failed.clear()

    def weigh(self, label: str) -> int:
        """The page has loaded: every request it made must have finished; returns the bytes and records them."""
        self._settle()
        missing = sorted(self.requests[r] for r in set(self.requests) - set(self.received))
        assert not missing and not self.failed, f"{label}: requests unfinished {missing} or failed {self.failed}"
        total = sum(self.received[r] for r in self.requests) + sum(self.redirects.values())
        print(f"weight {label}: {total} bytes, {len(self.requests)} requests")  # noqa: T201 - the figure
        assert total <= MAX_PAGE_BYTES, f"{label}: {total} bytes > {MAX_PAGE_BYTES} ({self.requests})"
        self.reset()
        return total


def _phone(open_page):
    page = open_page(CHEAP_PHONE, **PHONE_OPTIONS)
    return page, Weigher(page)


def _answer_all(page, weigher, *, label: str) -> int:
    """Answer until the result: the first answer, "Je ne sais pas" every third question, the second answer
    otherwise. Checks and weighs each question page; returns how many were asked."""
    asked, pictured = 0, False
    while "/resultat/" not in page.url:
        asked += 1
        assert asked <= MAX_QUESTIONS, f"more than {MAX_QUESTIONS} questions"
        expect(page.get_by_text(f"Question {asked} sur {MAX_QUESTIONS} au plus")).to_be_visible()
        weigher.weigh(f"{label}, question {asked}")
        picture = page.locator(".picture")
        if asked == 1 or (picture.count() and not pictured):  # the first question, the first drawing
            assert_accessible(page, f"{label}, question {asked}")
            pictured = pictured or bool(picture.count())
        group = page.get_by_role("group")
        options = group.get_by_role("radio")
        expect(options.last).to_be_attached()
        count = options.count()
        assert 4 <= count <= 5, count  # 3 or 4 answers and "Je ne sais pas"
        if asked % 3 == 0:
            page.get_by_label("Je ne sais pas").tap()
            expect(page.get_by_label("Je ne sais pas")).to_be_checked()
        else:
            choice = options.nth(0 if asked % 2 else 1)
            page.locator(f"label[for='{choice.get_attribute('id')}']").tap()
            expect(choice).to_be_checked()
        weigher.reset()
        # The POST, its redirect and the next page are one navigation: waited for as such (`wait_for_url`
        # would be satisfied at once by the question's address, which the next question shares).
        with page.expect_navigation():
            page.get_by_role("button", name="Valider").tap()
    return asked


def _assert_useful_result(page, asked: int) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre résultat")
    expect(page.get_by_text(f"En {asked} question")).to_be_visible()
    cards = page.locator("ul.results > li")
    tools = list(
        Scale.objects.select_related("topic").order_by("topic__position").values_list("topic__name", flat=True)
    )
    expect(cards).to_have_count(len(tools))
    for index, tool in enumerate(tools):
        card = cards.nth(index)
        expect(card.get_by_role("heading", level=2)).to_have_text(tool)
        band = card.locator(".band").inner_text()
        assert band in BANDS, band
        assert len(card.locator("p").nth(1).inner_text()) > 20  # what to learn next, in words
    guides = page.locator("ul.results").get_by_role("link")
    assert guides.count() >= 1  # the guides to read
    assert page.evaluate("document.documentElement.scrollWidth") <= CHEAP_PHONE["width"]


@pytest.fixture
def places(live_server):
    dpe = DirectionFactory(code="DPE", name="Propreté et eau")
    DirectionFactory(code="DFPE", name="Familles et petite enfance")
    depot = SiteFactory(name="Dépôt Nord", direction=dpe)
    return {"url": live_server.url, "dpe": dpe, "depot": depot}


def test_an_agent_without_account_takes_it_on_a_cheap_phone_from_the_public_address(places, open_page):
    page, weigher = _phone(open_page)
    page.goto(f"{places['url']}/assistance/aide/")  # the public help page, the agents' way in (posters)
    weigher.reset()
    page.get_by_role("link", name="Faire le point en 12 questions").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Où en êtes-vous avec le numérique au travail ?")
    assert page.url == f"{places['url']}/diagnostic/"
    weigher.weigh("accueil")
    assert_accessible(page, "accueil du diagnostic")
    page.get_by_label("Votre direction").select_option(label="DPE · Propreté et eau")
    page.get_by_role("button", name="Commencer").tap()
    asked = _answer_all(page, weigher, label="sans compte")
    weigher.weigh("résultat")
    _assert_useful_result(page, asked)
    expect(page.get_by_text("Ce résultat est anonyme")).to_be_visible()
    assert_accessible(page, "résultat")
    assert_no_problems(page)
    session = Session.objects.get()
    assert (session.direction, session.site, session.agent, session.mediator) == (places["dpe"], None, None, None)
    assert session.items_count == asked and session.finished_at is not None


def test_the_question_page_says_what_is_missing_and_stays_accessible(places, open_page):
    page, weigher = _phone(open_page)
    page.goto(f"{places['url']}/diagnostic/")
    page.get_by_role("button", name="Commencer").tap()
    expect(page.get_by_text("Question 1 sur 12 au plus")).to_be_visible()
    weigher.reset()
    page.get_by_role("button", name="Valider").tap()
    expect(page.get_by_role("alert")).to_have_text("Réponse : choisissez une réponse, ou « Je ne sais pas ».")
    weigher.weigh("question sans réponse (erreur)")
    assert_accessible(page, "question en erreur")
    # The page comes with HTTP 400 (the browser logs it); nothing else went wrong.
    assert [p for p in page.problems if "status of 400" not in p] == []


def test_an_agent_opens_a_sites_qr_link_and_nothing_is_asked_about_where(places, open_page):
    mediator = UserFactory(username="mediation", role=Role.MEDIATOR)
    team, team_weigher = _phone(open_page)
    log_in(team, places["url"], mediator.username)
    team.goto(f"{places['url']}/planification/sites/{places['depot'].public_id}/")  # the site's page
    team_weigher.reset()
    team.get_by_role("link", name="Lien et code QR du diagnostic numérique de ce site").tap()
    expect(team.get_by_role("heading", level=1)).to_contain_text("Dépôt Nord")
    expect(team.get_by_role("img", name="Code QR du lien ci-dessous")).to_be_visible()
    team_weigher.weigh("lien et QR code du site (équipe)")
    assert_accessible(team, "lien et QR code du site")
    link = team.locator("main a[href*='/diagnostic/?site=']").inner_text()
    query = link[link.index("/diagnostic/") :]

    page, weigher = _phone(open_page)
    page.goto(f"{places['url']}{query}")  # what the agent's camera opens
    expect(page.get_by_text("Lieu : Dépôt Nord")).to_be_visible()
    expect(page.get_by_label("Votre direction")).to_have_count(0)
    weigher.weigh("accueil par le QR code d'un site")
    assert_accessible(page, "accueil par le QR code")
    page.get_by_role("button", name="Commencer").tap()
    asked = _answer_all(page, weigher, label="QR code")
    weigher.weigh("résultat (QR code)")
    _assert_useful_result(page, asked)
    assert_no_problems(page)
    session = Session.objects.get()
    assert (session.site, session.direction, session.agent) == (places["depot"], places["dpe"], None)


def test_a_mediator_runs_it_with_an_agent_and_attaches_it_only_with_the_agents_agreement(places, open_page):
    mediator = UserFactory(username="mediation", role=Role.MEDIATOR, first_name="Nadia")
    agent = AgentFactory(direction=places["dpe"], site=places["depot"], matricule="A12345", first_name="Karim")
    page, weigher = _phone(open_page)
    log_in(page, places["url"], mediator.username)
    weigher.reset()
    page.goto(f"{places['url']}/diagnostic/?site={places['depot'].public_id}")
    expect(page.get_by_text("Mode médiateur")).to_be_visible()
    weigher.weigh("accueil, mode médiateur")
    assert_accessible(page, "accueil, mode médiateur")
    page.get_by_role("button", name="Commencer").tap()
    asked = _answer_all(page, weigher, label="médiateur")
    weigher.weigh("résultat, mode médiateur")
    _assert_useful_result(page, asked)
    form = page.locator("form", has=page.get_by_role("heading", name="Rattacher ce résultat à l'agent"))
    expect(form).to_be_visible()
    assert_accessible(page, "résultat, rattachement")

    # Without the box ticked: said, and nothing attached.
    page.get_by_label("Matricule de l'agent").fill("A12345")
    weigher.reset()
    page.get_by_role("button", name="Enregistrer dans son dossier").tap()
    expect(page.get_by_role("alert")).to_have_text("Accord de l'agent : cochez la case pour rattacher le résultat.")
    weigher.weigh("rattachement refusé sans accord")
    assert_accessible(page, "rattachement sans accord")
    session = Session.objects.get()
    assert session.agent is None and session.agreement_at is None
    assert session.mediator == mediator

    # With the agent's agreement ticked: attached, and journaled.
    page.get_by_label("L'agent est d'accord").check()
    weigher.reset()
    page.get_by_role("button", name="Enregistrer dans son dossier").tap()
    expect(page.get_by_role("status")).to_have_text("Résultat enregistré dans le dossier de l'agent, avec son accord.")
    weigher.weigh("résultat rattaché")
    assert_accessible(page, "résultat rattaché")
    assert_no_problems(page)
    session.refresh_from_db()
    assert session.agent == agent and session.agreement_at is not None
    entry = Entry.objects.get(action="diagnostic.attach")
    assert (entry.acting_user, entry.object_id) == (mediator, str(agent.pk))
    assert entry.payload["agreement"] is True and entry.payload["bands"] == session.bands
