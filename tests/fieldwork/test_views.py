import datetime
import io
import re
import uuid

import pytest
from django.core.cache import cache
from django.core.signing import TimestampSigner
from django.urls import reverse
from openpyxl import load_workbook

from relais.accounts.enums import Role
from relais.adoption.models import ToolAccount
from relais.fieldwork import services
from relais.fieldwork.enums import ActivityKind, SignInMethod, VisitStatus
from relais.fieldwork.models import Activity, Participation, Visit, WriteReceipt
from relais.fieldwork.views.signin import SIGNER_SALT, signin_token
from relais.journal.models import Entry
from relais.knowledge.models import Topic
from tests.factories import AgentFactory, DirectionFactory, SiteFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, ParticipationFactory, VisitFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def mediator(client):
    user = MediatorFactory()
    client.force_login(user)
    return user


@pytest.fixture
def workshop(mediator, dpe):
    visit = VisitFactory(site=SiteFactory(direction=dpe, name="Dépôt Bercy"), mediators=[mediator])
    return ActivityFactory(visit=visit, kind=ActivityKind.WORKSHOP, title="Messagerie")


def test_my_day_lists_todays_visits_of_the_mediator(client, mediator):
    mine = VisitFactory(site=SiteFactory(name="Crèche Oberkampf"), mediators=[mediator])
    VisitFactory(site=SiteFactory(name="École Voltaire"))  # someone else's
    VisitFactory(
        site=SiteFactory(name="Hier"), mediators=[mediator], date=datetime.date.today() - datetime.timedelta(1)
    )
    response = client.get(reverse("fieldwork:my_day"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Crèche Oberkampf" in body and "École Voltaire" not in body and "Hier" not in body
    client.post(reverse("fieldwork:visit_start", args=[mine.public_id]), {"idempotency_key": str(uuid.uuid4())})
    mine.refresh_from_db()
    assert mine.status == VisitStatus.UNDER_WAY


def test_hr_and_helpdesk_cannot_record(client, users):
    for role in (Role.HR, Role.HELPDESK):
        client.force_login(users[role])
        assert client.get(reverse("fieldwork:my_day")).status_code == 403


def test_create_a_spontaneous_visit_and_an_activity(client, mediator, dpe):
    site = SiteFactory(name="Atelier Ivry", direction=dpe)
    found = client.get(reverse("fieldwork:site_search"), {"q": "ivry"})
    assert "Atelier Ivry" in found.content.decode()
    key = str(uuid.uuid4())
    data = {"site": str(site.public_id), "date": datetime.date.today().isoformat(), "origin": "spontaneous"}
    response = client.post(reverse("fieldwork:visit_create"), data | {"idempotency_key": key})
    assert response.status_code == 302
    client.post(reverse("fieldwork:visit_create"), data | {"idempotency_key": key})  # double tap
    visit = Visit.objects.get()
    assert list(visit.mediators.all()) == [mediator]

    response = client.post(
        reverse("fieldwork:activity_add", args=[visit.public_id]),
        {"kind": "workshop", "title": "", "duration": "60", "equipment": "telephone"},
    )
    assert response.status_code == 302 and not Activity.objects.exists()
    response = client.post(
        reverse("fieldwork:activity_add", args=[visit.public_id]),
        {
            "kind": "workshop",
            "title": "Activer sa messagerie",
            "level": "debutant",
            "duration": "custom",
            "custom_duration": "50",
            "equipment": "telephone",
            "topics": ["messagerie", "mots-de-passe"],
        },
    )
    activity = Activity.objects.get()
    assert response.url == reverse("fieldwork:activity_detail", args=[activity.public_id])
    assert activity.duration_minutes == 50 and activity.topics.count() == 2
    visit.refresh_from_db()
    assert visit.status == VisitStatus.UNDER_WAY


def test_coordinator_creates_a_visit_for_the_team(client, users, dpe):
    nadia = MediatorFactory(first_name="Nadia", last_name="Roux")
    karim = MediatorFactory(first_name="Karim", last_name="Benali")
    MediatorFactory(first_name="Parti", last_name="Ailleurs", is_active=False)
    site = SiteFactory(name="Crèche Oberkampf", direction=dpe)
    client.force_login(users[Role.COORDINATOR])
    page = client.get(reverse("fieldwork:visit_create")).content.decode()
    assert "Médiateurs qui iront sur place" in page
    assert str(nadia.public_id) in page and str(karim.public_id) in page and "Parti Ailleurs" not in page
    assert str(users[Role.COORDINATOR].public_id) not in page  # only mediators can be chosen

    data = {
        "site": str(site.public_id),
        "date": (datetime.date.today() + datetime.timedelta(3)).isoformat(),
        "starts_at": "06:30",
        "origin": "planned",
        "idempotency_key": str(uuid.uuid4()),
    }
    response = client.post(reverse("fieldwork:visit_create"), data)
    assert response.status_code == 200 and "Choisissez au moins un médiateur." in response.content.decode()
    hr = users[Role.HR]
    response = client.post(reverse("fieldwork:visit_create"), data | {"mediators": [str(hr.public_id)]})
    assert "n&#x27;a plus le rôle de médiateur" in response.content.decode()
    assert not Visit.objects.exists()

    response = client.post(
        reverse("fieldwork:visit_create"), data | {"mediators": [str(nadia.public_id), str(karim.public_id)]}
    )
    visit = Visit.objects.get()
    assert response.url == reverse("fieldwork:visit_detail", args=[visit.public_id])
    assert set(visit.mediators.all()) == {nadia, karim}
    assert visit.created_by == users[Role.COORDINATOR] and visit.status == VisitStatus.PLANNED
    entry = Entry.objects.get(action="fieldwork.visit_create")
    assert entry.acting_user == users[Role.COORDINATOR]
    assert sorted(entry.payload["médiateurs"]) == sorted([nadia.username, karim.username])

    # A mediator named on it sees it as their own.
    client.force_login(karim)
    assert client.get(reverse("fieldwork:visit_detail", args=[visit.public_id])).status_code == 200


def test_mediator_creates_their_own_visit_only(client, mediator, dpe):
    other = MediatorFactory()
    site = SiteFactory(direction=dpe)
    page = client.get(reverse("fieldwork:visit_create")).content.decode()
    assert "Médiateurs qui iront sur place" not in page
    data = {"site": str(site.public_id), "date": datetime.date.today().isoformat(), "origin": "spontaneous"}
    client.post(reverse("fieldwork:visit_create"), data | {"mediators": [str(other.public_id)]})
    assert list(Visit.objects.get().mediators.all()) == [mediator]  # the field is ignored for a mediator


def test_edit_an_activity_from_the_visit_screen(client, mediator, workshop):
    workshop.topics.set([Topic.objects.get(code="messagerie")])
    retired = Topic.objects.get(code="intranet")
    workshop.topics.add(retired)
    retired.is_active = False
    retired.save()
    visit_url = reverse("fieldwork:visit_detail", args=[workshop.visit.public_id])
    edit_url = reverse("fieldwork:activity_update", args=[workshop.public_id])
    assert edit_url in client.get(visit_url).content.decode()
    page = client.get(edit_url).content.decode()
    assert 'value="Messagerie"' in page and "!!MISSING" not in page
    assert 'value="workshop" checked' in page and 'value="60" checked' in page
    assert 'value="intranet" checked' in page  # a retired topic stays on the activity that has it

    form = {
        "kind": "workshop",
        "title": "",
        "level": "debutant",
        "duration": "custom",
        "custom_duration": "50",
        "equipment": "ordinateur",
        "topics": ["messagerie", "intranet"],
    }
    response = client.post(edit_url, form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "L'activité n'a pas été modifiée" in body and "Un atelier a un titre." in body
    assert 'value="50"' in body  # what was typed comes back
    workshop.refresh_from_db()
    assert workshop.title == "Messagerie" and workshop.duration_minutes == 60

    response = client.post(edit_url, form | {"title": "Messagerie sur ordinateur", "topics": ["messagerie"]})
    assert response.url == visit_url
    workshop.refresh_from_db()
    assert workshop.title == "Messagerie sur ordinateur" and workshop.duration_minutes == 50
    assert workshop.equipment == "ordinateur" and list(workshop.topics.values_list("code", flat=True)) == ["messagerie"]
    entry = Entry.objects.get(action="fieldwork.activity_update", object_id=str(workshop.pk))
    assert entry.acting_user == mediator
    assert entry.payload["modifications"]["duration_minutes"] == ["60", "50"]
    page = client.get(edit_url).content.decode()
    assert "Modifications déjà faites" in page and "Durée (minutes) : 60 → 50" in page
    assert "Matériel : Téléphone → Ordinateur" in page

    client.force_login(MediatorFactory())
    assert client.get(edit_url).status_code == 404
    client.force_login(mediator)
    workshop.visit.status = VisitStatus.DONE
    workshop.visit.save()
    assert client.post(edit_url, form | {"title": "Autre"}).status_code == 403
    assert edit_url not in client.get(visit_url).content.decode()


def test_service_worker_is_served_under_the_field_work_scope(client):
    response = client.get(reverse("fieldwork:service_worker"))  # no session: the script holds no data
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/terrain/" and response["Cache-Control"] == "no-cache"
    assert reverse("fieldwork:service_worker") == "/terrain/sw.js"
    assert b"X-Relais-Offline" in response.content


def test_only_field_work_pages_of_this_session_may_be_kept_offline(client, mediator, workshop):
    day = client.get(reverse("fieldwork:my_day"))
    key = day["X-Relais-Offline"]
    assert len(key) == 32 and client.session.session_key not in key
    for url in (
        reverse("fieldwork:visit_detail", args=[workshop.visit.public_id]),
        reverse("fieldwork:visit_summary", args=[workshop.visit.public_id]),
        reverse("fieldwork:activity_detail", args=[workshop.public_id]),
    ):
        assert client.get(url)["X-Relais-Offline"] == key, url
    assert 'data-relais-sw="/terrain/sw.js?logout=' in day.content.decode()
    # Searches, lists and exports are never kept.
    for url in (
        reverse("fieldwork:participant_search", args=[workshop.public_id]) + "?q=dup",
        reverse("fieldwork:followup_list"),
        reverse("fieldwork:my_activities"),
    ):
        assert "X-Relais-Offline" not in client.get(url), url
    # Another session (the same person logging in again, or someone else) gets another key.
    client.logout()
    client.force_login(mediator)
    assert client.get(reverse("fieldwork:my_day"))["X-Relais-Offline"] != key


def test_search_is_accent_and_typo_tolerant_site_first(client, workshop, dpe):
    other_site = SiteFactory(direction=dpe)
    here = AgentFactory(last_name="Dupont", first_name="Hélène", site=workshop.visit.site, direction=dpe)
    elsewhere = AgentFactory(last_name="Dupont", first_name="Marc", site=other_site, direction=dpe)
    AgentFactory(last_name="Martin", first_name="Paul", direction=dpe)
    url = reverse("fieldwork:participant_search", args=[workshop.public_id])
    for query in ("dupon", "dupond", "DUPONT", "Dupónt", "dupnot"):
        body = client.get(url, {"q": query}, **HTMX).content.decode()
        assert str(here.public_id) in body, query
        assert body.index(str(here.public_id)) < body.index(str(elsewhere.public_id)), query
        assert "Martin" not in body
    body = client.get(url, {"q": "helene dupont"}, **HTMX).content.decode()
    assert str(here.public_id) in body and str(elsewhere.public_id) not in body
    body = client.get(url, {"q": here.matricule[:5]}, **HTMX).content.decode()
    assert str(here.public_id) in body


def test_search_skips_agents_who_left(client, workshop, dpe):
    AgentFactory(last_name="Parti", exit_date=datetime.date(2020, 1, 1), direction=dpe)
    body = client.get(reverse("fieldwork:participant_search", args=[workshop.public_id]), {"q": "parti"}).content
    assert b"Parti" not in body.replace(b"Personne ne correspond", b"")


def test_add_participants_and_record_outcomes_by_tap(client, mediator, workshop, dpe):
    agent = AgentFactory(direction=dpe)
    url = reverse("fieldwork:participant_add", args=[workshop.public_id])
    key = str(uuid.uuid4())
    response = client.post(url, {"agent": str(agent.public_id), "idempotency_key": key}, **HTMX)
    assert response.status_code == 200 and agent.display_name in response.content.decode()
    # The response was lost; the outbox sends the same entry again.
    client.post(url, {"agent": str(agent.public_id), "idempotency_key": key}, **HTMX)
    client.post(
        url,
        {"direction": "DPE", "category": "C", "walk_in_label": "Fatou", "idempotency_key": str(uuid.uuid4())},
        **HTMX,
    )
    assert Participation.objects.filter(activity=workshop).count() == 2

    p = Participation.objects.get(agent=agent)
    outcome = reverse("fieldwork:outcome_record", args=[p.public_id])
    tap = {"field": "mailbox_activated", "value": "1", "idempotency_key": str(uuid.uuid4())}
    response = client.post(outcome, tap, **HTMX)
    assert response.status_code == 200
    assert 'aria-pressed="true"' in response.content.decode()
    client.post(outcome, tap, **HTMX)  # replay
    assert ToolAccount.objects.get(agent=agent).activated_on == workshop.visit.date
    client.post(outcome, {"field": "app", "app": "badgeuse", "value": "1"}, **HTMX)
    client.post(outcome, {"field": "autonomy", "value": "autonomous"}, **HTMX)
    client.post(outcome, {"field": "redirected_to", "value": "it_support"}, **HTMX)
    client.post(outcome, {"field": "followup", "value": "1", "reason": "Revoir le badge"}, **HTMX)
    p.refresh_from_db()
    assert p.installed_codes == ["badgeuse"] and p.autonomy == "autonomous" and p.redirected_to == "it_support"
    assert p.followup_needed and p.followup_reason == "Revoir le badge"
    assert Entry.objects.filter(action="fieldwork.outcome_record").count() == 5

    bad = client.post(outcome, {"field": "app", "app": "inconnue", "value": "1"}, **HTMX)
    assert bad.status_code == 422

    todo = client.get(reverse("fieldwork:followup_list")).content.decode()
    assert "Revoir le badge" in todo
    client.post(reverse("fieldwork:followup_close", args=[p.public_id]), {"idempotency_key": str(uuid.uuid4())})
    assert "Revoir le badge" not in client.get(reverse("fieldwork:followup_list")).content.decode()

    history = client.get(reverse("fieldwork:participation_history", args=[p.public_id])).content.decode()
    assert "fieldwork.outcome_record" in history


def test_another_mediator_cannot_touch_my_visit(client, workshop):
    p = ParticipationFactory(activity=workshop)
    client.force_login(MediatorFactory())
    response = client.post(
        reverse("fieldwork:outcome_record", args=[p.public_id]), {"field": "password_reset", "value": "1"}
    )
    assert response.status_code == 404
    assert client.get(reverse("fieldwork:visit_detail", args=[workshop.visit.public_id])).status_code == 404


def test_summary_then_close(client, mediator, workshop):
    ParticipationFactory(activity=workshop, mailbox_activated=True)
    ParticipationFactory(activity=workshop, agent=None, is_walk_in=True, direction=workshop.visit.site.direction)
    body = client.get(reverse("fieldwork:visit_summary", args=[workshop.visit.public_id])).content.decode()
    assert "Personnes distinctes" in body
    response = client.post(
        reverse("fieldwork:visit_close", args=[workshop.visit.public_id]), {"idempotency_key": str(uuid.uuid4())}
    )
    assert response.url == reverse("fieldwork:my_day")
    workshop.visit.refresh_from_db()
    assert workshop.visit.status == VisitStatus.DONE


def test_pages_render(client, mediator, workshop):
    p = ParticipationFactory(activity=workshop, agent=None, is_walk_in=True, direction=workshop.visit.site.direction)
    for url in (
        reverse("fieldwork:visit_detail", args=[workshop.visit.public_id]),
        reverse("fieldwork:activity_detail", args=[workshop.public_id]),
        reverse("fieldwork:activity_signin", args=[workshop.public_id]),
        reverse("fieldwork:participant_list", args=[workshop.public_id]) + "?compact=1",
        reverse("fieldwork:walkin_match", args=[p.public_id]) + "?q=dur",
        reverse("fieldwork:my_activities"),
        reverse("fieldwork:visit_create"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "!!MISSING" not in response.content.decode(), url


def test_qr_code_and_pdf(client, workshop):
    ParticipationFactory(activity=workshop)
    svg = client.get(reverse("fieldwork:activity_qr", args=[workshop.public_id]))
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    pdf = client.get(reverse("fieldwork:activity_sheet_pdf", args=[workshop.public_id]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.fixture
def public(workshop):
    cache.clear()
    return reverse("fieldwork:public_signin", args=[signin_token(workshop)])


def test_agent_signs_in_with_matricule_without_account(client, workshop, public, dpe):
    client.logout()
    agent = AgentFactory(matricule="778899", direction=dpe)
    assert client.get(public).status_code == 200
    response = client.post(public, {"matricule": "778899"})
    assert "vous êtes sur la feuille" in response.content.decode()
    p = Participation.objects.get(activity=workshop)
    assert p.agent == agent and p.signed_in_by == SignInMethod.SELF
    client.post(public, {"matricule": "778899"})
    assert Participation.objects.filter(activity=workshop).count() == 1
    # An unknown matricule gets the same answer (tests/fieldwork/test_signin.py), kept "à vérifier".
    response = client.post(public, {"matricule": "000000"})
    assert response.status_code == 200 and "vous êtes sur la feuille" in response.content.decode()


def test_agent_signs_in_with_name_and_direction(client, workshop, public, dpe, dfpe):
    client.logout()
    agent = AgentFactory(last_name="Lefèvre", first_name="Amélie", direction=dpe)
    AgentFactory(last_name="Lefèvre", first_name="Amélie", direction=dfpe)  # a namesake elsewhere
    client.post(public, {"last_name": "LEFEVRE", "first_name": "amelie", "direction": "DPE"})
    assert Participation.objects.get(activity=workshop).agent == agent
    # Not found: on the sheet "à vérifier", for the mediator to match.
    client.post(public, {"last_name": "Inconnue", "first_name": "Jeanne", "direction": "DPE"})
    walk_in = Participation.objects.get(activity=workshop, agent__isnull=True)
    assert walk_in.walk_in_label == "Jeanne Inconnue" and walk_in.direction == dpe
    response = client.post(public, {"last_name": "Sans", "first_name": "Direction"})
    assert response.status_code == 422


def test_public_page_rejects_forged_or_expired_tokens_and_is_rate_limited(client, workshop, public):
    client.logout()
    assert client.get(reverse("fieldwork:public_signin", args=[f"{workshop.public_id}:forged"])).status_code == 404
    expired = TimestampSigner(salt=SIGNER_SALT)
    expired.timestamp = lambda: "0"  # epoch: long expired
    assert (
        client.get(reverse("fieldwork:public_signin", args=[expired.sign(str(workshop.public_id))])).status_code == 404
    )
    statuses = [client.post(public, {"matricule": "nope"}).status_code for _ in range(22)]
    assert statuses[-1] == 429


def test_public_page_uses_csrf(workshop, public):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(public, {"matricule": "1"}).status_code == 403


def test_team_list_filters_exports_and_scopes(client, users, dpe, dfpe):
    mediator = MediatorFactory(first_name="Nadia", last_name="Ben")
    dpe_visit = VisitFactory(site=SiteFactory(direction=dpe, name="Dépôt Nord"), mediators=[mediator])
    dfpe_visit = VisitFactory(site=SiteFactory(direction=dfpe, name="Crèche Sud"))
    act = ActivityFactory(visit=dpe_visit)
    ParticipationFactory(
        activity=act, agent=AgentFactory(direction=dpe, last_name="=HYPERLINK(1)"), mailbox_activated=True
    )
    ParticipationFactory(
        activity=ActivityFactory(visit=dfpe_visit), agent=AgentFactory(direction=dfpe, last_name="Creche")
    )

    client.force_login(mediator)
    assert client.get(reverse("fieldwork:team_activities")).status_code == 403

    client.force_login(users[Role.COORDINATOR])
    page = client.get(reverse("fieldwork:team_activities")).content.decode()
    assert "Dépôt Nord" in page and "Crèche Sud" in page
    filtered = client.get(reverse("fieldwork:team_activities"), {"outcome": "activation"}).content.decode()
    assert "Dépôt Nord" in filtered and "Crèche Sud" not in filtered
    by_mediator = client.get(reverse("fieldwork:team_activities"), {"mediator": mediator.pk}).content.decode()
    assert "Crèche Sud" not in by_mediator

    csv = client.get(reverse("fieldwork:activities_export", args=["csv"])).content.decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert len(lines) == 3 and lines[0].startswith("Date;Site")
    assert "'=HYPERLINK(1)" in csv
    xlsx = client.get(reverse("fieldwork:activities_export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3

    client.force_login(users[Role.HR])  # DPE only
    page = client.get(reverse("fieldwork:team_activities")).content.decode()
    assert "Dépôt Nord" in page and "Crèche Sud" not in page
    csv = client.get(reverse("fieldwork:activities_export", args=["csv"])).content.decode("utf-8-sig")
    assert "Creche" not in csv and len(csv.strip().splitlines()) == 2


def test_team_list_query_count_is_bounded(client, users, django_assert_max_num_queries, dpe):
    visit = VisitFactory(site=SiteFactory(direction=dpe))
    for _ in range(3):
        act = ActivityFactory(visit=visit)
        for _ in range(5):
            ParticipationFactory(activity=act)
    client.force_login(users[Role.COORDINATOR])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("fieldwork:team_activities")).status_code == 200


def test_coordinator_edits_the_topic_catalogue(client, users, mediator):
    assert client.get(reverse("fieldwork:topic_list")).status_code == 403
    client.force_login(users[Role.COORDINATOR])
    client.post(reverse("fieldwork:topic_list"), {"name": "Utiliser l'agenda partagé", "is_active": "on"})
    assert "Utiliser l&#x27;agenda partagé" in client.get(reverse("fieldwork:topic_list")).content.decode()


def test_soft_delete_from_the_phone(client, mediator, workshop):
    p = ParticipationFactory(activity=workshop)
    client.post(reverse("fieldwork:participant_delete", args=[p.public_id]), {"idempotency_key": str(uuid.uuid4())})
    p.refresh_from_db()
    assert p.deleted_at is not None
    client.post(reverse("fieldwork:visit_delete", args=[workshop.visit.public_id]))
    assert Visit.objects.get().deleted_at is not None
    assert client.get(reverse("fieldwork:visit_detail", args=[workshop.visit.public_id])).status_code == 404
    assert WriteReceipt.objects.count() == 1


def test_walk_in_matched_from_the_phone(client, mediator, workshop, dpe):
    p = ParticipationFactory(activity=workshop, agent=None, is_walk_in=True, direction=dpe, walk_in_label="Fatou")
    agent = AgentFactory(direction=dpe, first_name="Fatou", last_name="Diallo")
    client.post(reverse("fieldwork:walkin_match", args=[p.public_id]), {"agent": str(agent.public_id)})
    p.refresh_from_db()
    assert p.agent == agent


def test_unknown_direction_for_walk_in(client, mediator, workshop):
    DirectionFactory(code="DASCO")
    response = client.post(
        reverse("fieldwork:participant_add", args=[workshop.public_id]), {"direction": "XXX"}, **HTMX
    )
    assert response.status_code == 422


def test_adding_to_a_long_sheet_answers_the_new_row_and_the_counter_only(
    client, mediator, workshop, dpe, dfpe, django_assert_max_num_queries
):
    """Issue 16 §5: the answer used to draw the whole sheet again (1.8 MB at 165 rows)."""
    from relais.fieldwork import services

    others = [AgentFactory(direction=dpe, last_name=f"Ancien{i}") for i in range(40)]
    for agent in others:
        services.participant_add(activity=workshop, acting_user=mediator, agent=agent)
    newcomer = AgentFactory(direction=dpe, last_name="Nouvelle", first_name="Awa")
    url = reverse("fieldwork:participant_add", args=[workshop.public_id])
    with django_assert_max_num_queries(45):  # as many at 40 rows as at 1: nothing per row
        response = client.post(url, {"agent": str(newcomer.public_id), "idempotency_key": str(uuid.uuid4())}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "!!MISSING" not in html
    assert html.count('class="fw-person"') == 1 and "Awa Nouvelle" in html
    assert not any(a.last_name in html for a in others)
    assert 'data-relais-oob="beforeend:#sheet-rows"' in html
    assert '<p class="fw-meta" id="sheet-count" data-relais-oob="true">41 personnes sur la feuille</p>' in html
    # A walk-in: its row and the counter, too.
    response = client.post(url, {"direction": "DFPE", "category": "C", "walk_in_label": "Fatou"}, **HTMX)
    html = response.content.decode()
    assert html.count('class="fw-person"') == 1 and "Fatou" in html and "42 personnes sur la feuille" in html


def test_withdrawing_answers_the_removal_and_the_counter_only(client, mediator, workshop):
    rows = [ParticipationFactory(activity=workshop) for _ in range(3)]
    url = reverse("fieldwork:participant_delete", args=[rows[0].public_id])
    html = client.post(url, {"idempotency_key": str(uuid.uuid4())}, **HTMX).content.decode()
    assert f'<li id="p-{rows[0].public_id}" data-relais-oob="delete"></li>' in html
    assert "2 personnes sur la feuille" in html and 'class="fw-person"' not in html


def test_the_live_sheet_answers_204_while_nothing_changed_and_the_new_sheet_when_someone_signs(client, workshop):
    first = ParticipationFactory(activity=workshop)
    page = client.get(reverse("fieldwork:activity_signin", args=[workshop.public_id])).content.decode()
    poll = re.search(r'id="sheet-poll" hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert client.get(poll).status_code == 204  # polled every 2 s: nothing to swap, nothing re-announced
    second = ParticipationFactory(activity=workshop)
    fresh = client.get(poll)
    assert fresh.status_code == 200
    body = fresh.content.decode()
    assert "2 personnes inscrites" in body and second.display_name in body and first.display_name in body
    newer = re.search(r'id="sheet-poll" hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert newer != poll and client.get(newer).status_code == 204
    services.participant_delete(participation=second, acting_user=None)
    assert "1 personne inscrite" in client.get(newer).content.decode()
