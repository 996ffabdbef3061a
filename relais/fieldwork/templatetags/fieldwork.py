import uuid

from django import template
from django.utils.crypto import salted_hmac

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


@register.simple_tag(takes_context=True)
def outbox_owner(context) -> str:
    """Names the signed-in person (not the session) to the outbox: what one person typed on a shared phone is
    never sent under another person's sign-in (outbox.js keeps it until its author signs in again)."""
    user = context["request"].user
    if not user.is_authenticated:
        return ""
    return salted_hmac("relais.fieldwork.outbox-owner", str(user.pk)).hexdigest()[:16]
