"""Skill profiles by direction and site, from Pix results and any other source of evidence."""

import datetime

import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.planning.scoring import site_scores
from relais.skills.crcn import COMPETENCES, DOMAINS
from relais.skills.enums import Band
from relais.skills.models import Competence, Domain, PixParticipation, ToolCompetence
from relais.skills.profiles import Evidence, evidence, pix_evidence, site_help_counts, skill_profiles
from tests.factories import AgentFactory, SiteFactory
from tests.skills.factories import pix_result

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 31)
MAIL_ONLY = {"2.1": 1, "4.1": 1}  # 4.2 also counts for HR self-service


def test_the_crcn_is_reference_data():
    assert Domain.objects.count() == 5 and Competence.objects.count() == 16
    assert list(Competence.objects.values_list("code", flat=True)) == [code for code, _ in COMPETENCES]
    assert Competence.objects.get(code="3.2").name == "Développer des documents multimédia"
    assert Competence.objects.get(code="4.3").domain.name == dict(DOMAINS)["4"] == "Protection et sécurité"
    mailbox = set(ToolCompetence.objects.filter(tool__code="messagerie").values_list("competence__code", flat=True))
    assert mailbox == {"2.1", "4.1", "4.2"}


def test_a_tool_takes_the_weakest_band_of_its_competences(dpe):
    agent = AgentFactory(direction=dpe)
    pix_result(agent, levels={"2.1": 4, "4.1": 0, "4.2": 3, "5.1": 3, "5.2": 5})
    bands = {e.tool: e.band for e in pix_evidence(TODAY)}
    # 4.1 at level 0 holds the mailbox back; 4.2 alone speaks for HR self-service.
    assert bands == {"messagerie": Band.HELP, "badgeuse": Band.AUTONOMOUS, "self-service-rh": Band.AUTONOMOUS}


def test_assessment_mastery_gives_bands_too(dpe):
    agent = AgentFactory(direction=dpe)
    pix_result(agent, mastery={"2.1": 0.8, "4.1": 0.5, "4.2": 0.9})
    assert {e.tool: e.band for e in pix_evidence(TODAY)} == {
        "messagerie": Band.GUIDED,
        "self-service-rh": Band.AUTONOMOUS,
    }


def test_the_latest_sending_wins_and_unshared_ones_do_not_count(dpe):
    agent = AgentFactory(direction=dpe)
    pix_result(agent, levels={"2.1": 0, "4.1": 0}, shared_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    pix_result(agent, levels={"2.1": 3, "4.1": 4}, shared_at=datetime.datetime(2026, 3, 2, tzinfo=datetime.UTC))
    pix_result(agent, levels={}, shared=False)
    (row,) = pix_evidence(TODAY)
    assert (row.tool, row.band, row.on) == ("messagerie", Band.AUTONOMOUS, datetime.date(2026, 3, 2))


def test_agents_who_left_are_not_counted(dpe):
    pix_result(AgentFactory(direction=dpe, exit_date=datetime.date(2026, 2, 1)), levels=MAIL_ONLY)
    assert pix_evidence(TODAY) == []


def test_profiles_combine_pix_and_a_second_source_and_respect_scopes(users, dpe, dfpe):
    site = SiteFactory(direction=dpe)
    durand = AgentFactory(direction=dpe, site=site)
    pix_result(durand, levels={"2.1": 0, "4.1": 0})  # help, on 20 January
    pix_result(AgentFactory(direction=dfpe, site=site), levels=MAIL_ONLY)  # guided, a DFPE agent at the DPE site

    def diagnostic(today):
        # Later evidence on Durand (autonomous), and one anonymous diagnostic at the site (help).
        march = datetime.date(2026, 3, 1)
        return [
            Evidence(f"agent:{durand.pk}", dpe.pk, site.pk, "messagerie", Band.AUTONOMOUS, march, "diag"),
            Evidence("diagnostic:17", dpe.pk, site.pk, "messagerie", Band.HELP, march, "diag"),
        ]

    sources = [pix_evidence, diagnostic]
    assert len(evidence(sources=sources, today=TODAY)) == 3
    coordinator = users[Role.COORDINATOR]
    by_direction = {(r.group_id, r.tool): r for r in skill_profiles(user=coordinator, sources=sources, today=TODAY)}
    dpe_mail = by_direction[(dpe.pk, "messagerie")]
    assert (dpe_mail.people, dpe_mail.help, dpe_mail.guided, dpe_mail.autonomous) == (2, 1, 0, 1)
    assert by_direction[(dfpe.pk, "messagerie")].guided == 1
    (site_row,) = skill_profiles(user=coordinator, by="site", sources=sources, today=TODAY)
    assert (site_row.people, site_row.help) == (3, 1)
    # The DPE correspondent counts only DPE people, even at a site shared with DFPE.
    (hr_row,) = skill_profiles(user=users[Role.HR], by="site", sources=sources, today=TODAY)
    assert hr_row.people == 2
    assert site_help_counts(tool="messagerie", sources=sources, today=TODAY) == {site.pk: 1}


@pytest.fixture
def city(dpe, dfpe):
    """Seven DPE agents with Pix results at one depot (three need help with the mailbox), two DFPE ones."""
    depot = SiteFactory(direction=dpe, name="Dépôt Bercy")
    for k in range(7):
        level = 0 if k < 3 else 3
        pix_result(AgentFactory(direction=dpe, site=depot), levels={"2.1": level, "4.1": level})
    creche = SiteFactory(direction=dfpe, name="Crèche Oberkampf")
    for _ in range(2):
        pix_result(AgentFactory(direction=dfpe, site=creche), levels=MAIL_ONLY)
    return {"depot": depot, "creche": creche}


def test_the_insights_page_shows_profiles_and_hides_small_groups(client, users, city, django_assert_max_num_queries):
    client.force_login(users[Role.COORDINATOR])
    with django_assert_max_num_queries(15):
        page = client.get(reverse("insights:skills")).content.decode()
    assert "Compétences numériques" in page and "Dépôt Bercy" in page
    assert "42,9" in page  # 3 of 7 DPE agents to help with the mailbox
    assert "Crèche Oberkampf" in page and "100,0" in page  # the coordinator sees the group of two

    client.force_login(users[Role.HR])
    page = client.get(reverse("insights:skills")).content.decode()
    assert "Dépôt Bercy" in page and "Crèche Oberkampf" not in page  # DFPE is not the correspondent's direction
    export = client.get(reverse("insights:table_export", args=["competences", "skills-site", "csv"]))
    assert export.status_code == 200 and "Dépôt Bercy" in export.content.decode()


def test_small_groups_are_hidden_beyond_the_team(client, users, dpe):
    site = SiteFactory(direction=dpe, name="Atelier Nord")
    for _ in range(2):
        pix_result(AgentFactory(direction=dpe, site=site), levels={"2.1": 0, "4.1": 0})
    client.force_login(users[Role.HR])
    page = client.get(reverse("insights:skills")).content.decode()
    assert "Atelier Nord" in page and "&lt; 5" in page and "100,0" not in page


def test_the_page_is_for_dashboard_readers_only(client, users):
    for role in (Role.MEDIATOR, Role.HELPDESK):
        client.force_login(users[role])
        assert client.get(reverse("insights:skills")).status_code == 403


def test_sites_whose_agents_need_most_help_come_first_in_the_priority(city, dpe):
    twin = SiteFactory(direction=dpe, name="Dépôt jumeau")
    for _ in range(7):  # as many agents, none assessed
        AgentFactory(direction=dpe, site=twin)
    scores = site_scores(site_ids=[city["depot"].pk, twin.pk], today=TODAY)
    depot, other = scores[city["depot"].pk], scores[twin.pk]
    term = next(t for t in depot.terms if t.label.startswith("Agents à accompagner"))
    assert (term.value, term.weight, depot.needing_help) == (3, 0.5, 3)
    assert depot.score - other.score == pytest.approx(3 * 0.5)  # a small weight: the only difference


def test_participations_are_visible_by_the_agents_direction(users, dpe, dfpe):
    own = pix_result(AgentFactory(direction=dpe), levels=MAIL_ONLY)
    pix_result(AgentFactory(direction=dfpe), levels=MAIL_ONLY)
    unmatched = pix_result(None, levels=MAIL_ONLY)
    assert list(PixParticipation.objects.visible_to(users[Role.HR])) == [own]
    assert unmatched in PixParticipation.objects.visible_to(users[Role.ADMIN])
    assert not PixParticipation.objects.visible_to(None).exists()


def test_the_page_sentence_names_the_strongest_need_even_with_hidden_groups(client, users, city, dpe):
    site = SiteFactory(direction=dpe, name="Atelier Nord")
    for _ in range(2):
        pix_result(AgentFactory(direction=dpe, site=site), levels={"2.1": 0, "4.1": 0})
    client.force_login(users[Role.HR])
    page = client.get(reverse("insights:skills")).content.decode()
    assert "2 sites avec des résultats." in page
    assert "Besoin le plus fort : Dépôt Bercy, messagerie professionnelle (43 % à accompagner sur 7 personnes" in page


def test_the_admin_edits_the_tools_competences(client, users, dpe):
    pix_result(AgentFactory(direction=dpe), levels=MAIL_ONLY)
    client.force_login(users[Role.ADMIN])
    for model in ("domain", "competence", "toolcompetence", "pixcampaign", "pixparticipation"):
        assert client.get(reverse(f"admin:skills_{model}_changelist")).status_code == 200, model
    link = ToolCompetence.objects.filter(tool__code="messagerie").first()
    assert client.get(reverse("admin:skills_toolcompetence_change", args=[link.pk])).status_code == 200
