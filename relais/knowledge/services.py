"""Writes to the knowledge area: the programme's topic catalogue (shared by field work, tickets and requests)."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from relais.journal.services import journal_record, model_changes
from relais.knowledge.models import Topic


@transaction.atomic
def topic_save(*, acting_user, name: str, topic: Topic | None = None, is_active: bool = True) -> Topic:
    """Add a topic to the catalogue or rename/retire one (the coordinator's catalogue, DOMAIN.md §5)."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Indiquez l'intitulé du thème."})
    if topic is None:
        base = slugify(name)[:40] or "theme"
        code, n = base, 1
        while Topic.objects.filter(code=code).exists():
            n += 1
            code = f"{base}-{n}"
        position = (Topic.objects.aggregate(m=models.Max("position"))["m"] or 0) + 1
        topic = Topic.objects.create(code=code, name=name, position=position, is_active=is_active)
        journal_record(acting_user=acting_user, action="knowledge.topic_create", obj=topic, payload={"intitulé": name})
        return topic
    before = {"name": topic.name, "is_active": topic.is_active}
    topic.name, topic.is_active = name, is_active
    changes = model_changes(topic, ["name", "is_active"], before)
    if changes:
        topic.save()
        journal_record(
            acting_user=acting_user, action="knowledge.topic_update", obj=topic, payload={"modifications": changes}
        )
    return topic
