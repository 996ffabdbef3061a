"""Factories for the base areas; other areas keep theirs beside their own tests."""

import datetime

import factory

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.adoption.models import Tool, ToolAccount
from relais.agents.enums import Category
from relais.agents.models import Agent
from relais.organisation.enums import SiteKind
from relais.organisation.models import Direction, Service, Site


class DirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Direction
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"DIR{n}")
    name = factory.LazyAttribute(lambda o: f"Direction {o.code}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    direction = factory.SubFactory(DirectionFactory)
    name = factory.Sequence(lambda n: f"Service {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Site {n}")
    kind = SiteKind.CRECHE
    direction = factory.SubFactory(DirectionFactory)
    postcode = "75011"
    latitude = 48.859
    longitude = 2.379


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    role = Role.COORDINATOR
    password = factory.django.Password("motdepasse-de-test")

    @factory.post_generation
    def directions(self, create, extracted, **kwargs):
        if create and extracted:
            self.directions.set(extracted)


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    matricule = factory.Sequence(lambda n: f"{100000 + n}")
    last_name = factory.Sequence(lambda n: f"Durand{n}")
    first_name = "Sandrine"
    category = Category.C
    direction = factory.SubFactory(DirectionFactory)
    entry_date = datetime.date(2015, 1, 1)


def mailbox() -> Tool:
    return Tool.objects.get(code="messagerie")


class ToolAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ToolAccount

    agent = factory.SubFactory(AgentFactory)
    tool = factory.LazyFunction(mailbox)
    provisioned_on = datetime.date(2026, 1, 5)
