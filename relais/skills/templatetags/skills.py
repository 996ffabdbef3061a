from django import template

from relais.organisation.models import Direction

register = template.Library()


@register.simple_tag(takes_context=True)
def pix_directions(context):
    """The directions a Pix import's campaign may be given (the page's reader is an administrator)."""
    return Direction.objects.visible_to(context["request"].user).order_by("code")
