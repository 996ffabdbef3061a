import factory

from relais.helpdesk.enums import Channel, Priority, Status
from relais.helpdesk.models import Ticket
from relais.knowledge.models import Topic
from tests.factories import AgentFactory


def topic(code: str = "messagerie") -> Topic:
    return Topic.objects.get(code=code)


class TicketFactory(factory.django.DjangoModelFactory):
    """A bare ticket row (no SLA computed): use `ticket_create` when the test is about the workflow."""

    class Meta:
        model = Ticket

    requester = factory.SubFactory(AgentFactory)
    direction = factory.LazyAttribute(lambda o: o.requester.direction if o.requester else None)
    channel = Channel.PHONE
    priority = Priority.NORMAL
    status = Status.NEW
    subject = factory.Sequence(lambda n: f"Demande {n}")
