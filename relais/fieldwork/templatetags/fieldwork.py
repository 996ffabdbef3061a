import uuid

from django import template

register = template.Library()


@register.simple_tag
def new_key() -> str:
    """A fresh idempotency key for a form drawn by the server (outbox.js replaces it at each tap)."""
    return str(uuid.uuid4())


@register.filter
def hidden_label(count: int) -> str:
    """The line standing for the participants a reader may not see (agents of directions outside their scope)."""
    if count == 1:
        return "et 1 agent d'une autre direction, hors de votre périmètre"
    return f"et {count} agents d'autres directions, hors de votre périmètre"
