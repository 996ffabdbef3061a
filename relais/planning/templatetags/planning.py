from django import template

register = template.Library()


@register.filter
def spaced(value):
    """49257 → "49 257" (French thousands, with a no-break space so the figure never wraps)."""
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", "\u00a0")
