"""The knowledge base: public agent guides, team-only scripts, printable flyers, the seeded guides."""

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.knowledge.enums import Audience
from relais.knowledge.models import Article


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "!!MISSING" not in html
    return html


def test_seeded_guides_cover_the_programme(db):
    guides = Article.objects.filter(audience=Audience.AGENT, is_published=True)
    assert guides.count() >= 4
    assert {"messagerie", "mots-de-passe", "self-service-rh"} <= set(guides.values_list("topic__code", flat=True))
    for article in Article.objects.all():
        positions = list(article.steps.values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1)), article.slug


def test_guides_are_public_and_scripts_are_not(client, db):
    html = page(client, reverse("knowledge:article_list"))
    assert "Activer votre messagerie professionnelle" in html and "Script d" not in html
    html = page(client, reverse("knowledge:article_detail", args=["activer-sa-messagerie-sur-son-telephone"]))
    assert html.count('class="steps"') == 1 and "knowledge/img/telephone-ajouter-compte.svg" in html
    assert 'alt="Écran de téléphone avec le bouton Ajouter un compte"' in html
    assert (
        client.get(reverse("knowledge:article_detail", args=["script-appel-messagerie-non-activee"])).status_code == 404
    )


def test_team_reads_scripts(client, users):
    client.force_login(users[Role.MEDIATOR])
    assert "Script d" in page(client, reverse("knowledge:article_list"))
    page(client, reverse("knowledge:article_detail", args=["script-appel-messagerie-non-activee"]))


def test_hr_correspondents_do_not_read_team_scripts(client, users):
    client.force_login(users[Role.HR])
    assert (
        client.get(reverse("knowledge:article_detail", args=["script-appel-messagerie-non-activee"])).status_code == 404
    )


def test_drafts_are_hidden_from_agents(client, db):
    Article.objects.create(slug="brouillon", title="Brouillon", audience=Audience.AGENT, is_published=False)
    assert client.get(reverse("knowledge:article_detail", args=["brouillon"])).status_code == 404


def test_search_and_topic_filter(client, db):
    html = page(client, reverse("knowledge:article_list"), q="bulletin")
    assert "duplicata de bulletin" in html and "Activer votre messagerie" not in html
    html = page(client, reverse("knowledge:article_list"), theme="badgeuse")
    assert "Badger avec" in html and "duplicata de bulletin" not in html


@pytest.mark.parametrize("slug", ["mot-de-passe-oublie", "demander-un-duplicata-de-bulletin-de-paie"])
def test_flyer_has_a_qr_code_to_the_guide(client, db, slug, settings):
    settings.RELAIS_BASE_URL = "https://relais.example"
    html = page(client, reverse("knowledge:article_flyer", args=[slug]))
    assert "<svg" in html and f"https://relais.example/guides/{slug}/" in html
    assert "data-relais-print" in html


def test_suggestions_of_a_topic_for_the_team_and_for_nobody_else(users):
    from relais.knowledge.models import Topic
    from relais.knowledge.selectors import suggested_articles

    mailbox = Topic.objects.get(code="messagerie")
    team = suggested_articles(user=users[Role.HELPDESK], topic_id=mailbox.pk)
    assert [a.audience for a in team] == sorted(a.audience for a in team) and len(team) >= 2
    assert {a.topic_id for a in team} == {mailbox.pk}
    # Without a team account, only published agent guides.
    assert all(a.audience == Audience.AGENT for a in suggested_articles(user=users[Role.HR], topic_id=mailbox.pk))
    assert suggested_articles(user=users[Role.HELPDESK], topic_id=None) == []
    first = team[0]
    assert first not in suggested_articles(user=users[Role.HELPDESK], topic_id=mailbox.pk, exclude_ids=[first.pk])
