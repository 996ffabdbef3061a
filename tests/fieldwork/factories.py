"""Factories and helpers for field-work tests."""

import datetime

import factory

from relais.accounts.enums import Role
from relais.fieldwork.enums import ActivityKind, VisitStatus
from relais.fieldwork.models import Activity, Participation, Visit
from tests.factories import AgentFactory, SiteFactory, UserFactory


class MediatorFactory(UserFactory):
    role = Role.MEDIATOR
    username = factory.Sequence(lambda n: f"mediateur{n}")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    date = factory.LazyFunction(datetime.date.today)
    starts_at = datetime.time(9, 0)
    status = VisitStatus.PLANNED

    @factory.post_generation
    def mediators(self, create, extracted, **kwargs):
        if create:
            self.mediators.set(extracted or [MediatorFactory()])


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    visit = factory.SubFactory(VisitFactory)
    kind = ActivityKind.WORKSHOP
    title = "Activer sa messagerie"
    level = "debutant"
    duration_minutes = 60


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    agent = factory.SubFactory(AgentFactory)
    direction = factory.LazyAttribute(lambda o: o.agent.direction if o.agent else None)
    category = "C"
