"""Intervention requests: the workflow from the HR correspondent to the assessment, visibility, e-mails."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from relais.accounts.enums import Role
from relais.agents.enums import Category
from relais.interventions import permissions, selectors, services
from relais.interventions.enums import RequestStatus
from relais.interventions.models import InterventionRequest
from relais.journal.models import Entry
from tests.factories import AgentFactory, ServiceFactory, SiteFactory, ToolAccountFactory, UserFactory
from tests.helpdesk.factories import topic
from tests.interventions.factories import ok, submit


def test_whole_workflow_with_mails(hr, coordinator, dpe, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        req = submit(hr, dpe)
    assert req.status == RequestStatus.SUBMITTED and mailoutbox[-1].to == ["coordination@paris.example"]
    with django_capture_on_commit_callbacks(execute=True):
        services.intervention_decide(acting_user=coordinator, request=req, accept=True)
    assert req.status == RequestStatus.ACCEPTED and mailoutbox[-1].to == ["rh.dpe@paris.example"]
    with django_capture_on_commit_callbacks(execute=True):
        services.intervention_schedule(
            acting_user=coordinator, request=req, scheduled_for=datetime.date(2026, 3, 10), note="2 visites au dépôt"
        )
    assert "programmée" in mailoutbox[-1].body
    services.intervention_mark_done(acting_user=coordinator, request=req, done_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.intervention_assess(acting_user=UserFactory(role=Role.MEDIATOR), request=req, rating=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.intervention_assess(acting_user=hr, request=req, rating=4, text="Très utile")
    assert req.status == RequestStatus.ASSESSED and req.rating == 4
    assert mailoutbox[-1].to == ["coordination@paris.example"]
    actions = set(Entry.objects.for_object(req).values_list("action", flat=True))
    assert {"interventions.request_submit", "interventions.request_decide", "interventions.request_assess"} <= actions


def test_decline_needs_a_reason(hr, coordinator, dpe):
    req = submit(hr, dpe)
    with pytest.raises(ValidationError):
        services.intervention_decide(acting_user=coordinator, request=req, accept=False)
    services.intervention_decide(acting_user=coordinator, request=req, accept=False, reason="Hors programme")
    assert req.status == RequestStatus.DECLINED
    with pytest.raises(PermissionDenied):
        services.intervention_schedule(acting_user=coordinator, request=req, scheduled_for=datetime.date(2026, 1, 1))


def test_hr_cannot_request_for_another_direction_nor_target_outside(hr, dpe, dfpe):
    with pytest.raises(PermissionDenied):
        submit(hr, dfpe)
    with pytest.raises(ValidationError, match="Hors de la direction DPE"):
        submit(hr, dpe, sites=[SiteFactory(direction=dfpe)])
    with pytest.raises(ValidationError, match="public visé"):
        submit(hr, dpe, population_note="")


def test_coordinator_requests_on_behalf(coordinator, hr, dfpe):
    req = submit(coordinator, dfpe, on_behalf_of=hr)
    assert req.requested_by == coordinator and req.on_behalf_of == hr


def test_visibility(users, hr, coordinator, dpe, dfpe):
    mine = submit(hr, dpe)
    other = submit(coordinator, dfpe)
    assert set(InterventionRequest.objects.visible_to(hr)) == {mine}
    assert set(InterventionRequest.objects.visible_to(coordinator)) == {mine, other}
    assert set(InterventionRequest.objects.visible_to(users[Role.MEDIATOR])) == set()
    services.intervention_decide(acting_user=coordinator, request=other, accept=True)
    assert set(InterventionRequest.objects.visible_to(users[Role.MEDIATOR])) == {other}
    assert set(InterventionRequest.objects.visible_to(users[Role.HELPDESK])) == set()


def test_permissions(users, hr, coordinator, dpe):
    req = submit(hr, dpe)
    assert permissions.can_triage(coordinator, req) and not permissions.can_triage(hr, req)
    assert permissions.can_withdraw(hr, req) and permissions.can_comment(hr, req)
    assert not permissions.can_assess(hr, req)
    assert not permissions.can_request_intervention(users[Role.HELPDESK])


def test_population_and_mailbox_before_after(hr, coordinator, dpe, dfpe):
    site, service = SiteFactory(direction=dpe), ServiceFactory(direction=dpe)
    on_site = AgentFactory(direction=dpe, site=site, category=Category.C)
    in_service = AgentFactory(direction=dpe, service=service, category=Category.C)
    listed = AgentFactory(direction=dpe, category=Category.B)
    AgentFactory(direction=dpe, site=site, category=Category.A)  # filtered out by category
    AgentFactory(direction=dfpe, site=site)  # another direction
    req = submit(hr, dpe, sites=[site], services=[service], agents=[listed], categories=["B", "C"])
    assert set(selectors.population(req)) == {on_site, in_service, listed}
    today = timezone.localdate()
    InterventionRequest.objects.filter(pk=req.pk).update(created_at=timezone.now() - datetime.timedelta(days=30))
    req.refresh_from_db()
    ToolAccountFactory(
        agent=on_site,
        provisioned_on=today - datetime.timedelta(days=60),
        activated_on=today - datetime.timedelta(days=2),
    )
    ToolAccountFactory(agent=in_service, provisioned_on=today - datetime.timedelta(days=60))
    ToolAccountFactory(
        agent=listed,
        provisioned_on=today - datetime.timedelta(days=60),
        activated_on=today - datetime.timedelta(days=90),
    )
    before, after = selectors.before_after(req)[0].rows
    assert (before.agents, before.accounts, before.activated) == (3, 3, 1)
    assert (after.accounts, after.activated) == (3, 2)


def test_pages_for_hr_and_coordinator(client, hr, coordinator, dpe, dfpe):
    client.force_login(hr)
    ok(client.get(reverse("interventions:request_create")))
    agent = AgentFactory(direction=dpe, matricule="555001")
    response = client.post(
        reverse("interventions:request_create"),
        {"direction": dpe.pk, "title": "Messagerie", "goal": "Activer", "matricules": "555001\n999999"},
    )
    assert "Matricules inconnus : 999999" in ok(response)
    response = client.post(
        reverse("interventions:request_create"),
        {"direction": dpe.pk, "title": "Messagerie", "goal": "Activer", "matricules": "555001", "topics": [topic().pk]},
    )
    req = InterventionRequest.objects.get()
    assert response.status_code == 302 and list(req.agents.all()) == [agent]
    other = submit(coordinator, dfpe, title="Chez DFPE")
    html = ok(client.get(reverse("interventions:request_list")))
    assert "Messagerie" in html and "Chez DFPE" not in html
    assert client.get(reverse("interventions:request_detail", args=[other.public_id])).status_code == 404
    client.post(reverse("interventions:request_comment", args=[req.public_id]), {"body": "Prise de poste à 6 h"})
    client.force_login(coordinator)
    html = ok(client.get(reverse("interventions:request_list")))
    assert html.index("À examiner") < html.index("Chez DFPE") or "À examiner" in html
    html = ok(client.get(reverse("interventions:request_detail", args=[req.public_id])))
    assert "Prise de poste à 6 h" in html and "Accepter" in html and "avant et après" in html
    client.post(reverse("interventions:request_decide", args=[req.public_id]), {"decision": "decline", "reason": ""})
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED
    client.post(reverse("interventions:request_decide", args=[req.public_id]), {"decision": "accept"})
    client.post(
        reverse("interventions:request_schedule", args=[req.public_id]),
        {"scheduled_for": "2026-03-10", "note": "Dépôt"},
    )
    client.post(
        reverse("interventions:request_done", args=[req.public_id]), {"done_on": timezone.localdate().isoformat()}
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.DONE
    client.force_login(hr)
    client.post(reverse("interventions:request_assess", args=[req.public_id]), {"rating": "5", "text": "Merci"})
    req.refresh_from_db()
    assert req.status == RequestStatus.ASSESSED and req.rating == 5


def test_list_query_count(client, hr, coordinator, dpe, django_assert_max_num_queries):
    for i in range(15):
        submit(hr, dpe, title=f"Demande {i}")
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        ok(client.get(reverse("interventions:request_list")))
