import uuid

from django import template

register = template.Library()


@register.simple_tag
def new_key() -> str:
    """A fresh idempotency key for a form drawn by the server (outbox.js replaces it at each tap)."""
    return str(uuid.uuid4())
