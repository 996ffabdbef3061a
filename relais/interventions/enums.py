from django.db import models


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "Envoyée"
    ACCEPTED = "accepted", "Acceptée"
    DECLINED = "declined", "Refusée"
    SCHEDULED = "scheduled", "Programmée"
    DONE = "done", "Réalisée"
    ASSESSED = "assessed", "Évaluée"
    WITHDRAWN = "withdrawn", "Retirée"


TRANSITIONS: dict[str, frozenset[str]] = {
    RequestStatus.SUBMITTED: frozenset({RequestStatus.ACCEPTED, RequestStatus.DECLINED, RequestStatus.WITHDRAWN}),
    RequestStatus.ACCEPTED: frozenset({RequestStatus.SCHEDULED, RequestStatus.WITHDRAWN}),
    RequestStatus.SCHEDULED: frozenset({RequestStatus.DONE, RequestStatus.SCHEDULED}),
    RequestStatus.DONE: frozenset({RequestStatus.ASSESSED}),
    RequestStatus.DECLINED: frozenset(),
    RequestStatus.ASSESSED: frozenset(),
    RequestStatus.WITHDRAWN: frozenset(),
}
