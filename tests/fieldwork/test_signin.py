"""The public sign-in sheet as agents meet it: a workshop on a site's shared Wi-Fi, the short code, a closed visit."""

import re
import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from relais.fieldwork import services
from relais.fieldwork.enums import ActivityKind
from relais.fieldwork.models import Participation
from relais.fieldwork.views import signin
from relais.fieldwork.views.signin import signin_token
from tests.factories import AgentFactory, SiteFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, VisitFactory

pytestmark = pytest.mark.django_db
WIFI = {"REMOTE_ADDR": "192.0.2.10"}  # the site's shared connection: every phone behind one address


@pytest.fixture
def mediator(client):
    user = MediatorFactory()
    client.force_login(user)
    return user


@pytest.fixture
def workshop(mediator, dpe):
    cache.clear()
    visit = VisitFactory(site=SiteFactory(direction=dpe, name="Dépôt Bercy"), mediators=[mediator])
    return ActivityFactory(visit=visit, kind=ActivityKind.WORKSHOP, title="Messagerie")


def _load(client, url, **extra):
    """Open the form as a phone does; its form token."""
    html = client.get(url, **extra).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _sign(client, url, data, **extra):
    return client.post(url, data | {"form_token": _load(client, url, **extra)}, **extra)


def test_a_workshop_of_80_on_one_shared_connection_all_sign_in(client, workshop, dpe):
    client.logout()
    url = reverse("fieldwork:public_signin", args=[signin_token(workshop)])
    agents = [AgentFactory(direction=dpe, site=workshop.visit.site) for _ in range(80)]
    statuses = {_sign(client, url, {"matricule": a.matricule}, **WIFI).status_code for a in agents}
    assert statuses == {200}
    assert Participation.objects.filter(activity=workshop, agent__isnull=False).count() == 80


def test_one_form_retried_too_often_is_stopped_but_not_the_next_phone(client, workshop):
    client.logout()
    url = reverse("fieldwork:public_signin", args=[signin_token(workshop)])
    token = _load(client, url, **WIFI)
    statuses = [
        client.post(url, {"last_name": "", "form_token": token}, **WIFI).status_code
        for _ in range(signin.FORM_POSTS + 1)
    ]
    assert statuses[:-1] == [422] * signin.FORM_POSTS and statuses[-1] == 429
    assert "Trop d'essais" in client.post(url, {"form_token": token}, **WIFI).content.decode()
    assert _sign(client, url, {"matricule": "123"}, **WIFI).status_code == 200  # a colleague's phone


def test_a_sheet_takes_its_capacity_plus_a_margin(client, workshop, monkeypatch):
    client.logout()
    monkeypatch.setattr(signin, "MIN_SHEET_CAPACITY", 4)  # the site has no agent: 4 × 1.5 = 6 posts
    url = reverse("fieldwork:public_signin", args=[signin_token(workshop)])
    statuses = [
        _sign(client, url, {"matricule": f"9{n:05}"}, REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(7)
    ]
    assert statuses == [200] * 6 + [429]


def test_the_address_ceiling_is_configurable(client, workshop, settings):
    client.logout()
    settings.RELAIS_PUBLIC_ADDRESS_RATE = 3
    url = reverse("fieldwork:public_signin", args=[signin_token(workshop)])
    statuses = [_sign(client, url, {"matricule": f"8{n:05}"}, **WIFI).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(client, workshop, settings):
    client.logout()
    settings.RELAIS_PUBLIC_ADDRESS_RATE = 1
    url = reverse("fieldwork:public_signin", args=[signin_token(workshop)])
    # From an unknown sender the header is ignored: both posts count against 192.0.2.10.
    first = _sign(client, url, {"matricule": "1"}, HTTP_X_FORWARDED_FOR="203.0.113.1", **WIFI)
    second = _sign(client, url, {"matricule": "2"}, HTTP_X_FORWARDED_FOR="203.0.113.2", **WIFI)
    assert (first.status_code, second.status_code) == (200, 429)
    # Behind the configured proxy, each client counts apart; what the client wrote before the proxy's entry is not.
    settings.RELAIS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    proxy = {"REMOTE_ADDR": "10.1.2.3"}
    one = _sign(client, url, {"matricule": "3"}, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", **proxy)
    other = _sign(client, url, {"matricule": "4"}, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8", **proxy)
    again = _sign(client, url, {"matricule": "5"}, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", **proxy)
    assert (one.status_code, other.status_code, again.status_code) == (200, 200, 429)


def test_an_unknown_matricule_gets_the_same_answer_and_is_kept_to_check(client, workshop, dpe):
    client.logout()
    AgentFactory(matricule="778899", direction=dpe)
    url = reverse("fieldwork:public_signin", args=[signin_token(workshop)])
    known = _sign(client, url, {"matricule": "778899"})
    unknown = _sign(client, url, {"matricule": "000111"})

    def answer(response):
        return re.search(r'<p class="fw-(?:ok|error)"[^>]*>(.*?)</p>', response.content.decode()).group(1)

    assert (known.status_code, answer(known)) == (unknown.status_code, answer(unknown)) == (200, answer(known))
    kept = Participation.objects.get(activity=workshop, agent__isnull=True)
    assert kept.walk_in_label == "Matricule 000111 (à vérifier)" and kept.direction == dpe


def test_a_closed_visit_accepts_no_new_entry(client, workshop, mediator):
    url = reverse("fieldwork:public_signin", args=[signin_token(workshop)])
    services.visit_close(visit=workshop.visit, acting_user=mediator)
    client.logout()
    page = client.get(url)
    assert page.status_code == 410 and "Cette feuille de présence est close" in page.content.decode()
    assert client.post(url, {"matricule": "778899"}).status_code == 410
    assert not Participation.objects.filter(activity=workshop).exists()


def test_the_short_code_opens_the_sheet(client, workshop, mediator):
    screen = client.get(reverse("fieldwork:activity_signin", args=[workshop.public_id])).content.decode()
    workshop.refresh_from_db()
    code = workshop.signin_code
    assert re.fullmatch(f"[{services.SIGNIN_CODE_ALPHABET}]{{6}}", code)
    assert '<p class="fw-code"' in screen and f">{code}</p>" in screen and "http://testserver/e/" in screen
    assert len("http://testserver/e/") + len(code) < 40  # against the 110 characters of the signed link
    pdf = client.get(reverse("fieldwork:activity_sheet_pdf", args=[workshop.public_id]))
    assert pdf.status_code == 200
    client.logout()
    typed = f"{code[:3].lower()} {code[3:]}"  # as people type it
    opened = client.get(reverse("signin_code"), {"code": typed})
    assert opened.status_code == 302 and "/terrain/e/" in opened["Location"]
    assert client.get(opened["Location"]).status_code == 200
    assert client.get(f"/e/{code}").status_code == 302
    page = client.get(reverse("signin_code"))
    assert page.status_code == 200 and "Le code écrit sur la feuille" in page.content.decode()


def test_codes_are_unique_among_open_sheets_and_freed_on_close(workshop, mediator, monkeypatch):
    other = ActivityFactory(visit=workshop.visit, title="Badgeuse")
    draws = iter("AAAAAA" + "AAAAAA" + "CCCCCC")
    monkeypatch.setattr(services.secrets, "choice", lambda alphabet: next(draws))
    assert services.activity_signin_code(activity=workshop) == "AAAAAA"
    assert services.activity_signin_code(activity=other) == "CCCCCC"  # AAAAAA taken: drawn again
    assert services.activity_signin_code(activity=other) == "CCCCCC"  # kept once given
    services.visit_close(visit=workshop.visit, acting_user=mediator)
    workshop.refresh_from_db()
    assert workshop.signin_code == ""


def test_a_wrong_code_says_so_and_guessing_is_stopped(client, workshop):
    client.logout()
    wrong = client.get("/e/XXXXXX")
    assert wrong.status_code == 404 and "ne correspond à aucune feuille ouverte" in wrong.content.decode()
    statuses = [client.get(f"/e/{uuid.uuid4().hex[:6]}").status_code for _ in range(signin.CODE_MISSES[0])]
    assert statuses[-1] == 429


def test_a_closed_visit_code_no_longer_answers(client, workshop, mediator):
    code = services.activity_signin_code(activity=workshop)
    services.visit_close(visit=workshop.visit, acting_user=mediator)
    client.logout()
    assert client.get(f"/e/{code}").status_code == 404
