"""The assistance line's number and hours (RELAIS_HELPLINE_PHONE / RELAIS_HELPLINE_HOURS): on every public page,
the thank-you page that asks to give the ticket number when calling, the flyers, the poster and the sign-in
sheets (page and PDF); nothing about a phone line when no number is set."""

import base64
import re
import zlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from relais.accounts.enums import Role
from relais.core.context_processors import current_helpline
from relais.fieldwork.views.signin import signin_token
from tests.fieldwork.factories import ActivityFactory
from tests.helpdesk.test_public import submit

PHONE, HOURS = "01 99 00 12 34", "du lundi au vendredi, de 8 h 30 à 17 h"


@pytest.fixture
def line(settings):
    settings.RELAIS_HELPLINE_PHONE, settings.RELAIS_HELPLINE_HOURS = PHONE, HOURS
    cache.clear()


def _html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_setting_read_once_with_a_dialable_link(line):
    helpline = current_helpline()
    assert (helpline.phone, helpline.hours, helpline.tel) == (PHONE, HOURS, "+33199001234")


def test_every_public_page_shows_the_line(client, db, line):
    activity = ActivityFactory()
    for url in (
        reverse("helpdesk:public_form"),
        reverse("accounts:login"),
        reverse("knowledge:article_list"),
        reverse("fieldwork:public_signin", args=[signin_token(activity)]),
        reverse("core:accessibility"),
    ):
        html = _html(client, url)
        assert f'href="tel:+33199001234"><strong>{PHONE}</strong></a>, {HOURS}.' in html, url


def test_thank_you_page_gives_the_number_to_call(client, db, line):
    response = submit(client)
    html = _html(client, response.url)
    assert "donnez-le si vous appelez la ligne d'assistance au" in html
    assert f"<strong>{PHONE}</strong></a> ({HOURS})." in html


def test_flyer_poster_and_sign_in_sheets_carry_the_line(client, users, line):
    html = _html(client, reverse("knowledge:article_flyer", args=["mot-de-passe-oublie"]))
    assert html.index(PHONE) < html.index("</article>")  # inside what is printed, not only in the footer
    client.force_login(users[Role.COORDINATOR])
    assert f"appelez la ligne d'assistance : <strong>{PHONE}</strong>" in _html(client, reverse("helpdesk:poster"))
    activity = ActivityFactory()
    html = _html(client, reverse("fieldwork:activity_signin", args=[activity.public_id]))
    assert html.index(PHONE) < html.index("<h2>Feuille</h2>")
    pdf = client.get(reverse("fieldwork:activity_sheet_pdf", args=[activity.public_id])).content
    text = b"".join(_inflate(stream) for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S))
    assert PHONE.encode() in text


def _inflate(stream: bytes) -> bytes:
    """A PDF content stream as text: reportlab writes them ASCII85 then Flate encoded."""
    stream = stream.strip()
    if stream.endswith(b"~>"):
        stream = base64.a85decode(stream[:-2].replace(b"\n", b"").replace(b"\r", b""))
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return stream


def test_no_number_set_no_line_shown(client, db, settings):
    settings.RELAIS_HELPLINE_PHONE = ""
    assert current_helpline() is None
    html = _html(client, reverse("helpdesk:public_form"))
    assert 'data-testid="helpline"' not in html and "tel:" not in html
    html = _html(client, submit(client).url)
    assert "donnez-le si vous nous recontactez" in html
