"""The diagnostic feeds the skill profiles (insights, planning) and its bank is data the admin edits."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from relais.accounts.enums import Role
from relais.diagnostic.evidence import diagnostic_evidence
from relais.diagnostic.models import Answer, Item, Session
from relais.skills.enums import Band
from relais.skills.profiles import EVIDENCE_SOURCES, evidence, site_help_counts, skill_profiles
from tests.factories import AgentFactory, SiteFactory, UserFactory
from tests.skills.factories import pix_result

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 31)
ON = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)
ALL_HELP = dict.fromkeys(["messagerie", "mots-de-passe", "hameconnage", "badgeuse", "smartphone"], "help")


def _session(bands, **fields):
    return Session.objects.create(finished_at=ON, items_count=12, bands=bands, **fields)


def test_the_diagnostic_is_a_registered_source_of_the_profiles():
    assert diagnostic_evidence in EVIDENCE_SOURCES


def test_a_programme_tool_takes_the_weakest_of_its_diagnostic_tools(dpe):
    site = SiteFactory(direction=dpe)
    _session({"messagerie": "autonomous", "mots-de-passe": "autonomous", "hameconnage": "help",
              "self-service-rh": "guided"}, site=site, direction=dpe)  # fmt: skip
    rows = {e.tool: e for e in diagnostic_evidence(TODAY)}
    assert {t: e.band for t, e in rows.items()} == {"messagerie": Band.HELP, "self-service-rh": Band.GUIDED}
    assert rows["messagerie"].person.startswith("diagnostic:") and rows["messagerie"].site_id == site.pk
    Session.objects.create(bands={"messagerie": "help"}, site=site)  # not finished: does not count
    assert len(diagnostic_evidence(TODAY)) == 2


def test_an_attached_result_speaks_for_the_agent_and_replaces_an_older_pix_result(dpe):
    site = SiteFactory(direction=dpe)
    agent = AgentFactory(direction=dpe, site=site)
    pix_result(agent, levels={"2.1": 0, "4.1": 0}, shared_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC))
    mediator = UserFactory(role=Role.MEDIATOR)
    _session({"messagerie": "autonomous", "mots-de-passe": "autonomous", "hameconnage": "autonomous"},
             agent=agent, mediator=mediator, agreement_at=ON)  # fmt: skip
    (row,) = [e for e in evidence(today=TODAY) if e.tool == "messagerie"]
    assert (row.person, row.band, row.source, row.site_id) == (
        f"agent:{agent.pk}",
        Band.AUTONOMOUS,
        "diagnostic",
        site.pk,
    )
    agent.exit_date = datetime.date(2026, 3, 15)
    agent.save()
    assert not list(diagnostic_evidence(TODAY))


def test_anonymous_results_count_in_site_profiles_the_priority_and_respect_scopes(users, dpe, dfpe):
    depot = SiteFactory(direction=dpe, name="Dépôt Nord")
    for _ in range(3):
        _session(ALL_HELP, site=depot, direction=dpe)
    _session(ALL_HELP, direction=dfpe)
    assert site_help_counts(tool="messagerie", today=TODAY) == {depot.pk: 3}
    (row,) = [r for r in skill_profiles(user=users[Role.HR], today=TODAY) if r.tool == "messagerie"]
    assert (row.group_id, row.people, row.help) == (dpe.pk, 3, 3)  # the DFPE session is not the HR's


def test_the_insights_page_hides_small_groups_of_diagnostics_beyond_the_team(client, users, dpe):
    depot = SiteFactory(direction=dpe, name="Dépôt Nord")
    for _ in range(2):
        _session(ALL_HELP, site=depot, direction=dpe)
    client.force_login(users[Role.COORDINATOR])
    page = client.get(reverse("insights:skills")).content.decode()
    assert "Dépôt Nord" in page and "100,0" in page
    client.force_login(users[Role.HR])
    page = client.get(reverse("insights:skills")).content.decode()
    assert "Dépôt Nord" in page and "&lt; 5" in page and "100,0" not in page


def test_the_bank_is_loaded_and_reloading_it_changes_nothing(capsys):
    assert Item.objects.count() >= 60
    assert Item.objects.exclude(picture="").count() >= 15
    assert all(item.choices.filter(is_correct=True).count() == 1 for item in Item.objects.all())
    item = Item.objects.get(code="messagerie-01")
    item.difficulty, item.calibrated_at = 1.23, timezone.now()
    item.save()
    call_command("load_diagnostic_bank")
    assert "63 questions (0 nouvelles, 1 gardent leurs paramètres recalibrés)" in capsys.readouterr().out
    assert Item.objects.get(code="messagerie-01").difficulty == 1.23


def test_the_admin_edits_an_item_and_refuses_a_picture_with_a_script(client, users):
    client.force_login(users[Role.ADMIN])
    item = Item.objects.get(code="badgeuse-01")
    url = reverse("admin:diagnostic_item_change", args=[item.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:diagnostic_item_changelist")).status_code == 200
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"scale": item.scale_id, "competence": item.competence_id, "picture": "<svg><script>x</script></svg>"}
    page = client.post(url, data).content.decode()
    assert "sans script" in page


def test_calibrate_items_reestimates_only_items_with_enough_answers(capsys):
    import numpy as np

    from relais.diagnostic import cat

    rng = np.random.default_rng(2)
    items = list(Item.objects.filter(scale__topic__code="messagerie").order_by("code")[:4])
    answers = []
    for _ in range(250):
        session = Session.objects.create(finished_at=ON)
        theta = rng.normal()
        for position, item in enumerate(items[:3] if rng.random() < 0.5 else items[:2]):
            right = rng.random() < cat.probability(theta, 1.0, 0.0)
            answers.append(Answer(session=session, item=item, position=position, is_correct=right, theta_after=0,
                                  se_after=1))  # fmt: skip
    Answer.objects.bulk_create(answers)
    before = Item.objects.get(pk=items[3].pk).difficulty
    call_command("calibrate_items", "--min-answers", "200")
    out = capsys.readouterr().out
    assert "question" in out and "a après" in out and items[0].code in out and items[3].code not in out
    first = Item.objects.get(pk=items[0].pk)
    assert first.calibrated_at is not None and first.calibration_answers == 250
    assert abs(first.difficulty) < 0.5 and Item.objects.get(pk=items[3].pk).difficulty == before
    call_command("calibrate_items", "--min-answers", "1000")
    assert "rien à recalibrer" in capsys.readouterr().out
