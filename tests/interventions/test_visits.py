"""Scheduling a request with field-work visits: choosing them, following them, and the "before" reference."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from relais.accounts.enums import Role
from relais.fieldwork.enums import VisitStatus
from relais.interventions import selectors, services
from relais.interventions.enums import RequestStatus
from relais.journal.models import Entry
from tests.factories import AgentFactory, SiteFactory, ToolAccountFactory, UserFactory
from tests.fieldwork.factories import VisitFactory
from tests.interventions.factories import ok, submit

TODAY = datetime.date.today


@pytest.fixture
def accepted(hr, coordinator, dpe):
    site = SiteFactory(direction=dpe, name="Dépôt Bercy")
    req = submit(hr, dpe, sites=[site])
    services.intervention_decide(acting_user=coordinator, request=req, accept=True)
    return req


def in_days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def test_schedule_with_visits_defaults_the_date_and_journals(
    coordinator, accepted, dpe, mailoutbox, django_capture_on_commit_callbacks
):
    site = accepted.sites.get()
    first = VisitFactory(site=site, date=in_days(3), starts_at=datetime.time(6, 30))
    second = VisitFactory(site=SiteFactory(direction=dpe), date=in_days(10))
    with django_capture_on_commit_callbacks(execute=True):
        services.intervention_schedule(acting_user=coordinator, request=accepted, visits=[second, first])
    accepted.refresh_from_db()
    assert accepted.status == RequestStatus.SCHEDULED and accepted.scheduled_for == in_days(3)
    assert set(accepted.visits.all()) == {first, second}
    entry = Entry.objects.filter(action="interventions.request_schedule").get()
    assert sorted(entry.payload["visits_added"]) == sorted([first.pk, second.pk])
    assert "Dépôt Bercy" in mailoutbox[-1].body and "06:30" in mailoutbox[-1].body
    # Rescheduling may drop a visit.
    services.intervention_schedule(acting_user=coordinator, request=accepted, visits=[first])
    assert list(accepted.visits.all()) == [first]


@pytest.mark.parametrize(
    "kind",
    ["other_direction", "done", "cancelled"],
)
def test_only_planned_visits_of_the_direction_may_be_linked(coordinator, accepted, dfpe, kind):
    site = accepted.sites.get()
    visit = {
        "other_direction": lambda: VisitFactory(site=SiteFactory(direction=dfpe), date=in_days(2)),
        "done": lambda: VisitFactory(site=site, date=in_days(-2), status=VisitStatus.DONE),
        "cancelled": lambda: VisitFactory(site=site, date=in_days(2), status=VisitStatus.CANCELLED),
    }[kind]()
    with pytest.raises(ValidationError, match="Visites impossibles à lier"):
        services.intervention_schedule(acting_user=coordinator, request=accepted, visits=[visit])
    accepted.refresh_from_db()
    assert accepted.status == RequestStatus.ACCEPTED and not accepted.visits.exists()


def test_candidates_put_the_requested_sites_first(coordinator, accepted, dpe, dfpe):
    site = accepted.sites.get()
    elsewhere = VisitFactory(site=SiteFactory(direction=dpe), date=in_days(1))
    on_site = VisitFactory(site=site, date=in_days(5))
    VisitFactory(site=site, date=in_days(-1))  # past
    VisitFactory(site=site, date=in_days(4), status=VisitStatus.CANCELLED)
    VisitFactory(site=SiteFactory(direction=dfpe), date=in_days(1))  # another direction
    assert list(selectors.schedulable_visits(accepted, user=coordinator)) == [on_site, elsewhere]


def test_done_is_suggested_when_every_visit_is_done(client, coordinator, accepted):
    site = accepted.sites.get()
    a = VisitFactory(site=site, date=in_days(0))
    b = VisitFactory(site=site, date=in_days(1))
    services.intervention_schedule(acting_user=coordinator, request=accepted, visits=[a, b])
    client.force_login(coordinator)
    url = reverse("interventions:request_detail", args=[accepted.public_id])
    html = ok(client.get(url))
    assert "0 sur 2 visites terminée" in html and "peut être marquée comme réalisée" not in html
    from relais.fieldwork.models import Visit

    Visit.objects.filter(pk=a.pk).update(status=VisitStatus.DONE, date=in_days(-3))
    Visit.objects.filter(pk=b.pk).update(status=VisitStatus.CANCELLED)
    progress = selectors.schedule_progress(accepted)
    assert progress.all_done and progress.last_done_on == in_days(-3)
    html = ok(client.get(url))
    assert "peut être marquée comme réalisée" in html and f'value="{in_days(-3).isoformat()}"' in html


def test_the_page_links_visits_through_the_form(client, coordinator, accepted):
    visit = VisitFactory(site=accepted.sites.get(), date=in_days(2))
    client.force_login(coordinator)
    url = reverse("interventions:request_detail", args=[accepted.public_id])
    html = ok(client.get(url))
    assert "Dépôt Bercy (prévu)" in html
    response = client.post(
        reverse("interventions:request_schedule", args=[accepted.public_id]), {"visits": [visit.pk], "note": ""}
    )
    assert response.status_code == 302
    assert list(accepted.visits.all()) == [visit]
    html = ok(client.get(url))
    assert reverse("fieldwork:visit_detail", args=[visit.public_id]) in html


def test_hr_never_sees_visits_outside_their_directions(client, hr, coordinator, accepted, dfpe):
    inside = VisitFactory(site=accepted.sites.get(), date=in_days(2))
    moved_site = SiteFactory(direction=accepted.direction, name="Site transféré")
    moved = VisitFactory(site=moved_site, date=in_days(3))
    services.intervention_schedule(acting_user=coordinator, request=accepted, visits=[inside, moved])
    # The site later passes to another direction: the HR correspondent of DPE must not see that visit.
    moved_site.direction = dfpe
    moved_site.save()
    visible, hidden = selectors.linked_visits(accepted, user=hr)
    assert visible == [inside] and hidden == 1
    client.force_login(hr)
    html = ok(client.get(reverse("interventions:request_detail", args=[accepted.public_id])))
    assert "Dépôt Bercy" in html and "Site transféré" not in html
    assert reverse("fieldwork:visit_detail", args=[moved.public_id]) not in html
    assert "1 autre visite de l'équipe" in html
    # HR may not schedule, so never gets the list of the team's planned visits either.
    assert 'name="visits"' not in html
    # The coordination sees both.
    visible, hidden = selectors.linked_visits(accepted, user=coordinator)
    assert set(visible) == {inside, moved} and hidden == 0


def test_mediators_see_only_their_own_linked_visits(coordinator, accepted):
    mediator = UserFactory(role=Role.MEDIATOR)
    mine = VisitFactory(site=accepted.sites.get(), date=in_days(2), mediators=[mediator])
    other = VisitFactory(site=accepted.sites.get(), date=in_days(3))
    services.intervention_schedule(acting_user=coordinator, request=accepted, visits=[mine, other])
    assert selectors.linked_visits(accepted, user=mediator) == ([mine], 1)


def test_before_reference_is_the_eve_of_the_first_visit(coordinator, accepted):
    site = accepted.sites.get()
    agent = AgentFactory(direction=accepted.direction, site=site)
    today = timezone.localdate()
    ToolAccountFactory(
        agent=agent, provisioned_on=today - datetime.timedelta(days=90), activated_on=today - datetime.timedelta(days=5)
    )
    visit = VisitFactory(site=site, date=today)
    services.intervention_schedule(acting_user=coordinator, request=accepted, visits=[visit])
    from relais.fieldwork.models import Visit

    # The visit took place five days ago; the request was sent today (after the fact, for the record).
    Visit.objects.filter(pk=visit.pk).update(date=today - datetime.timedelta(days=5), status=VisitStatus.DONE)
    before, after = selectors.before_after(accepted)[0].rows
    assert before.label.startswith("Veille de la première visite")
    assert before.key == (today - datetime.timedelta(days=6)).isoformat()
    assert (before.activated, after.activated) == (0, 1)
    # A visit still to come does not move the reference.
    Visit.objects.filter(pk=visit.pk).update(date=today + datetime.timedelta(days=5), status=VisitStatus.PLANNED)
    assert selectors.before_after(accepted)[0].rows[0].label.startswith("À la demande")
