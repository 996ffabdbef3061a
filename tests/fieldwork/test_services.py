import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from relais.accounts.enums import Role
from relais.adoption.enums import AdoptionStatus, Source
from relais.adoption.models import Observation, ToolAccount
from relais.fieldwork import services
from relais.fieldwork.enums import ActivityKind, Autonomy, Redirection, VisitOrigin, VisitStatus
from relais.fieldwork.models import Participation, Visit, WriteReceipt
from relais.journal.models import Entry
from relais.knowledge import services as knowledge_services
from relais.knowledge.models import Topic
from tests.factories import AgentFactory, DirectionFactory, SiteFactory, ToolAccountFactory
from tests.fieldwork.factories import ActivityFactory, MediatorFactory, ParticipationFactory, VisitFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def test_topics_catalogue_is_seeded():
    names = list(Topic.objects.values_list("name", flat=True))
    assert "Activer sa messagerie professionnelle" in names
    assert "Reconnaître l'hameçonnage" in names
    assert len(names) == 12  # the 11 topics of DOMAIN.md §5 and "Autre demande"


def test_visit_lifecycle_is_journaled(dpe):
    mediator = MediatorFactory()
    site = SiteFactory(direction=dpe)
    visit = services.visit_create(
        acting_user=mediator, site=site, date=TODAY, mediators=[mediator], origin=VisitOrigin.SPONTANEOUS
    ).obj
    assert visit.status == VisitStatus.PLANNED
    services.visit_start(visit=visit, acting_user=mediator)
    assert visit.status == VisitStatus.UNDER_WAY and visit.starts_at is not None
    services.visit_close(visit=visit, acting_user=mediator)
    assert visit.status == VisitStatus.DONE and visit.closed_at is not None
    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.visit_cancel(visit=visit, acting_user=mediator)
    actions = list(Entry.objects.for_object(visit).order_by("id").values_list("action", flat=True))
    assert actions == ["fieldwork.visit_create", "fieldwork.visit_start", "fieldwork.visit_close"]


def test_only_mediators_go_on_visits(users):
    with pytest.raises(ValidationError, match="rôle de médiateur"):
        services.visit_create(
            acting_user=users[Role.COORDINATOR], site=SiteFactory(), date=TODAY, mediators=[users[Role.HR]]
        )
    assert not Visit.objects.exists()


def test_a_workshop_needs_a_title():
    visit = VisitFactory()
    with pytest.raises(ValidationError) as exc:
        services.activity_add(visit=visit, acting_user=None, kind=ActivityKind.WORKSHOP, title=" ")
    assert "titre" in str(exc.value)
    with pytest.raises(ValidationError):
        services.activity_add(visit=visit, acting_user=None, kind=ActivityKind.DROP_IN, level="avance")
    activity = services.activity_add(
        visit=visit,
        acting_user=None,
        kind=ActivityKind.ONE_TO_ONE,
        duration_minutes=75,
        topics=Topic.objects.filter(code="messagerie"),
    ).obj
    assert activity.duration_minutes == 75
    assert [t.code for t in activity.topics.all()] == ["messagerie"]


def test_nothing_is_added_to_a_closed_visit():
    visit = VisitFactory(status=VisitStatus.DONE)
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        services.activity_add(visit=visit, acting_user=None, kind=ActivityKind.DROP_IN)


def test_an_agent_is_on_a_sheet_once():
    activity = ActivityFactory()
    agent = AgentFactory()
    first = services.participant_add(activity=activity, acting_user=None, agent=agent).obj
    second = services.participant_add(activity=activity, acting_user=None, agent=agent).obj
    assert first.pk == second.pk
    assert Participation.objects.count() == 1
    assert first.direction_id == agent.direction_id and first.category == agent.category


def test_the_database_refuses_a_second_line_for_the_same_agent():
    p = ParticipationFactory()
    with pytest.raises(IntegrityError):
        Participation.objects.create(activity=p.activity, agent=p.agent, direction=p.direction)


def test_a_walk_in_needs_a_direction(dpe):
    activity = ActivityFactory()
    with pytest.raises(ValidationError, match="direction"):
        services.participant_add(activity=activity, acting_user=None, category="C")
    walk_in = services.participant_add(
        activity=activity, acting_user=None, direction=dpe, category="C", walk_in_label="Fatou"
    ).obj
    assert walk_in.is_walk_in and walk_in.agent is None and walk_in.display_name == "Fatou"


def test_same_idempotency_key_writes_once(users):
    mediator = MediatorFactory()
    activity = ActivityFactory(visit=VisitFactory(mediators=[mediator]))
    key = uuid.uuid4()
    first = services.participant_add(activity=activity, acting_user=mediator, agent=AgentFactory(), idempotency_key=key)
    # The phone lost the response and sends the very same entry again.
    again = services.participant_add(activity=activity, acting_user=mediator, agent=AgentFactory(), idempotency_key=key)
    assert not first.replayed and again.replayed
    assert again.obj.pk == first.obj.pk
    assert Participation.objects.count() == 1
    assert WriteReceipt.objects.count() == 1
    assert Entry.objects.filter(action="fieldwork.participant_add").count() == 1


def test_a_key_cannot_be_reused_by_someone_else():
    mediator, other = MediatorFactory(), MediatorFactory()
    activity = ActivityFactory(visit=VisitFactory(mediators=[mediator, other]))
    key = uuid.uuid4()
    services.participant_add(activity=activity, acting_user=mediator, agent=AgentFactory(), idempotency_key=key)
    with pytest.raises(ValidationError, match="déjà servi"):
        services.participant_add(activity=activity, acting_user=other, agent=AgentFactory(), idempotency_key=key)


def test_a_failed_write_leaves_no_receipt():
    activity = ActivityFactory()
    key = uuid.uuid4()
    with pytest.raises(ValidationError):
        services.participant_add(activity=activity, acting_user=None, idempotency_key=key)
    assert not WriteReceipt.objects.filter(key=key).exists()


def test_activation_in_session_changes_adoption_at_once():
    visit = VisitFactory(date=TODAY - datetime.timedelta(days=1), status=VisitStatus.UNDER_WAY)
    account = ToolAccountFactory(provisioned_on=TODAY - datetime.timedelta(days=100))
    p = ParticipationFactory(activity=ActivityFactory(visit=visit), agent=account.agent)
    assert account.status_on(TODAY) == AdoptionStatus.PROVISIONED

    services.outcome_record(participation=p, acting_user=None, mailbox_activated=True, idempotency_key=uuid.uuid4())
    account.refresh_from_db()
    assert account.activated_on == visit.date
    assert account.status_on(TODAY) == AdoptionStatus.ACTIVE_30D
    obs = Observation.objects.get(account=account)
    assert obs.source == Source.MEDIATION and obs.first_sign_in_on == visit.date

    # Tapped by mistake: untapping withdraws this session's observation, and the status goes back.
    services.outcome_record(participation=p, acting_user=None, mailbox_activated=False)
    account.refresh_from_db()
    assert account.activated_on is None
    assert not Observation.objects.filter(account=account).exists()


def test_activation_creates_the_account_when_unknown():
    p = ParticipationFactory(activity=ActivityFactory(visit=VisitFactory(status=VisitStatus.UNDER_WAY)))
    services.outcome_record(participation=p, acting_user=None, mailbox_activated=True)
    account = ToolAccount.objects.get(agent=p.agent)
    assert account.activated_on == TODAY


def test_outcomes_are_set_and_history_kept():
    p = ParticipationFactory(activity=ActivityFactory(visit=VisitFactory(status=VisitStatus.UNDER_WAY)))
    services.outcome_record(
        participation=p,
        acting_user=None,
        password_reset=True,
        autonomy=Autonomy.GUIDANCE_IF_NEEDED,
        redirected_to=Redirection.HR_MANAGER,
        apps={"badgeuse": True, "self-service-rh": True},
    )
    services.outcome_record(participation=p, acting_user=None, apps={"badgeuse": False})
    p.refresh_from_db()
    assert p.password_reset and p.autonomy == Autonomy.GUIDANCE_IF_NEEDED
    assert sorted(p.apps_installed.values_list("code", flat=True)) == ["self-service-rh"]
    history = [e.payload["modifications"] for e in Entry.objects.for_object(p).order_by("id")]
    assert history[0]["password_reset"] == ["False", "True"]
    assert history[1]["apps_installed"] == ["badgeuse, self-service-rh", "self-service-rh"]


def test_setting_the_same_value_twice_is_harmless():
    p = ParticipationFactory(activity=ActivityFactory(visit=VisitFactory(status=VisitStatus.UNDER_WAY)))
    services.outcome_record(participation=p, acting_user=None, password_reset=True)
    services.outcome_record(participation=p, acting_user=None, password_reset=True)
    assert Entry.objects.filter(action="fieldwork.outcome_record").count() == 1


def test_unknown_outcome_value_is_refused():
    p = ParticipationFactory()
    with pytest.raises(ValidationError, match="autonomie"):
        services.outcome_record(participation=p, acting_user=None, autonomy="genie")


def test_followup_lives_in_the_todo_list_until_done():
    mediator = MediatorFactory()
    p = ParticipationFactory(activity=ActivityFactory(visit=VisitFactory(mediators=[mediator])))
    services.outcome_record(
        participation=p, acting_user=mediator, followup_needed=True, followup_reason="Revoir l'appli badgeuse"
    )
    todo = Participation.objects.visible_to(mediator).open_followups()
    assert list(todo) == [p]
    services.followup_close(participation=p, acting_user=mediator, idempotency_key=uuid.uuid4())
    assert not Participation.objects.visible_to(mediator).open_followups().exists()
    assert p.followup_done_on == TODAY


def test_walk_in_matched_later_carries_its_activation(dpe):
    activity = ActivityFactory(visit=VisitFactory(status=VisitStatus.UNDER_WAY))
    walk_in = services.participant_add(activity=activity, acting_user=None, direction=dpe, category="C").obj
    services.outcome_record(participation=walk_in, acting_user=None, mailbox_activated=True)
    assert not Observation.objects.exists()
    agent = AgentFactory(direction=dpe)
    services.walkin_match(participation=walk_in, agent=agent, acting_user=None)
    assert walk_in.agent == agent and walk_in.is_walk_in and walk_in.matched_at
    assert ToolAccount.objects.get(agent=agent).activated_on == activity.visit.date


def test_soft_delete_keeps_the_row_and_the_trace(users):
    coordinator = users[Role.COORDINATOR]
    p = ParticipationFactory(activity=ActivityFactory(visit=VisitFactory(status=VisitStatus.UNDER_WAY)))
    services.outcome_record(participation=p, acting_user=None, mailbox_activated=True)
    services.participant_delete(participation=p, acting_user=coordinator)
    assert Participation.objects.filter(pk=p.pk).exists()
    assert not Participation.objects.visible_to(coordinator).exists()
    assert ToolAccount.objects.get(agent=p.agent).activated_on is None
    assert Entry.objects.filter(action="fieldwork.participant_delete").count() == 1
    # The agent may be put back on the sheet after a deletion.
    services.participant_add(activity=p.activity, acting_user=None, agent=p.agent)

    visit = p.activity.visit
    services.visit_delete(visit=visit, acting_user=coordinator)
    assert not Visit.objects.visible_to(coordinator).exists()
    assert Entry.objects.filter(action="fieldwork.visit_delete").count() == 1


def test_visit_update_keeps_before_and_after():
    visit = VisitFactory()
    changes = services.visit_update(visit=visit, acting_user=None, notes="Salle de pause au 1er", starts_at=None)
    assert changes["notes"] == ["", "Salle de pause au 1er"]
    assert Entry.objects.get(action="fieldwork.visit_update").payload["modifications"] == changes


def test_activity_update_keeps_before_and_after_and_refuses_a_closed_visit():
    activity = ActivityFactory(kind=ActivityKind.WORKSHOP, title="Messagerie", duration_minutes=60)
    activity.topics.set([Topic.objects.get(code="messagerie")])
    changes = services.activity_update(
        activity=activity,
        acting_user=None,
        title="  Messagerie et intranet ",
        duration_minutes=45,
        topics=Topic.objects.filter(code__in=["messagerie", "intranet"]),
    )
    assert changes == {
        "title": ["Messagerie", "Messagerie et intranet"],
        "duration_minutes": ["60", "45"],
        "topics": ["messagerie", "intranet, messagerie"],
    }
    assert Entry.objects.get(action="fieldwork.activity_update").payload["modifications"] == changes
    assert services.activity_update(activity=activity, acting_user=None, duration_minutes=45) == {}
    with pytest.raises(ValidationError):
        services.activity_update(activity=activity, acting_user=None, kind=ActivityKind.ONE_TO_ONE)  # keeps a level
    activity.visit.status = VisitStatus.DONE
    activity.visit.save()
    with pytest.raises(ValidationError, match="il ne se modifie plus"):
        services.activity_update(activity=activity, acting_user=None, duration_minutes=30)
    activity.refresh_from_db()
    assert activity.duration_minutes == 45 and Entry.objects.filter(action="fieldwork.activity_update").count() == 1


def test_topic_catalogue_edit(users):
    topic = knowledge_services.topic_save(acting_user=users[Role.COORDINATOR], name="Utiliser le portail des congés")
    assert topic.code == "utiliser-le-portail-des-conges" and topic.is_active
    knowledge_services.topic_save(acting_user=users[Role.COORDINATOR], topic=topic, name=topic.name, is_active=False)
    topic.refresh_from_db()
    assert not topic.is_active


def test_visibility(users, dpe, dfpe):
    mediator, other = MediatorFactory(), MediatorFactory()
    dpe_site, dfpe_site = SiteFactory(direction=dpe), SiteFactory(direction=dfpe)
    mine = VisitFactory(site=dpe_site, mediators=[mediator])
    theirs = VisitFactory(site=dfpe_site, mediators=[other])
    dpe_agent_at_dfpe = ParticipationFactory(activity=ActivityFactory(visit=theirs), agent=AgentFactory(direction=dpe))
    dfpe_agent_at_dpe = ParticipationFactory(activity=ActivityFactory(visit=mine), agent=AgentFactory(direction=dfpe))
    dpe_walk_in = ParticipationFactory(activity=ActivityFactory(visit=mine), agent=None, is_walk_in=True, direction=dpe)

    assert set(Visit.objects.visible_to(mediator)) == {mine}
    assert set(Visit.objects.visible_to(users[Role.COORDINATOR])) == {mine, theirs}
    assert set(Visit.objects.visible_to(users[Role.HR])) == {mine}
    assert not Visit.objects.visible_to(users[Role.HELPDESK]).exists()

    assert set(Participation.objects.visible_to(mediator)) == {dfpe_agent_at_dpe, dpe_walk_in}
    # HR (DPE) sees DPE agents wherever they were met, and DPE walk-ins; not DFPE agents met on a DPE site.
    assert set(Participation.objects.visible_to(users[Role.HR])) == {dpe_agent_at_dfpe, dpe_walk_in}
    hr_nowhere = MediatorFactory(role=Role.HR)
    assert not Participation.objects.visible_to(hr_nowhere).exists()
    assert len(Participation.objects.visible_to(users[Role.COORDINATOR])) == 3


def test_permissions(users, dpe):
    from relais.fieldwork import permissions as perm

    mediator, other = MediatorFactory(), MediatorFactory()
    visit = VisitFactory(site=SiteFactory(direction=dpe), mediators=[mediator])
    assert perm.can_edit_visit(mediator, visit)
    assert not perm.can_edit_visit(other, visit)
    assert perm.can_edit_visit(users[Role.COORDINATOR], visit)
    assert not perm.can_edit_visit(users[Role.HR], visit)
    assert perm.can_view_visit(users[Role.HR], visit)
    assert not perm.can_view_visit(users[Role.HELPDESK], visit)
    assert perm.can_view_team_activities(users[Role.HR])
    assert not perm.can_view_team_activities(mediator)
    assert perm.can_manage_topics(users[Role.COORDINATOR]) and not perm.can_manage_topics(mediator)
    visit.status = VisitStatus.DONE
    assert not perm.can_edit_visit(mediator, visit)
    assert perm.can_record_outcome(mediator, visit)
    other_dir = DirectionFactory(code="DASCO")
    assert not perm.can_view_visit(users[Role.HR], VisitFactory(site=SiteFactory(direction=other_dir)))
