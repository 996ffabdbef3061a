"""E-mails of the intervention workflow, sent on commit with ids only."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from relais.accounts.enums import Role
from relais.fieldwork.enums import VisitStatus


def _url(request) -> str:
    return settings.RELAIS_BASE_URL.rstrip("/") + reverse("interventions:request_detail", args=[request.public_id])


def _coordinators() -> list[str]:
    from relais.accounts.models import User

    return list(
        User.objects.filter(is_active=True, role=Role.COORDINATOR).exclude(email="").values_list("email", flat=True)
    )


def _requesters(request) -> list[str]:
    """The HR correspondent who asked (the one on whose behalf the coordination typed it, if any)."""
    people = [p for p in (request.on_behalf_of, request.requested_by) if p is not None and p.email]
    hr = [p.email for p in people if p.role == Role.HR]
    return sorted(set(hr or [p.email for p in people]))


def notify(request_id: int, event: str, *, to_team: bool) -> None:
    """One e-mail about `event` (submitted, decided, scheduled, done, assessed, commented, withdrawn)."""
    from relais.interventions.models import InterventionRequest

    request = InterventionRequest.objects.select_related("direction", "requested_by", "on_behalf_of").get(pk=request_id)
    recipients = _coordinators() if to_team else _requesters(request)
    if not recipients:
        return
    visits = []
    if event == "scheduled":
        # Only visits on the request's direction's sites: the requester's scope (they are linked so anyway).
        visits = list(
            request.visits.filter(deleted_at__isnull=True, site__direction_id=request.direction_id)
            .exclude(status=VisitStatus.CANCELLED)
            .select_related("site")
            .order_by("date", "starts_at")
        )
    body = render_to_string(
        "interventions/email/event.txt", {"request": request, "event": event, "url": _url(request), "visits": visits}
    )
    subject = f"[Relais] Demande d'intervention {request.direction.code} : {request.get_status_display().lower()}"
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)
