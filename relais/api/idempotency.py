"""`Idempotency-Key` on writes: the same key with the same body gets the first reply again, nothing is redone.

The reply is stored in the same transaction as the write, so a write is either done and remembered, or neither.
The same key with another body is refused (422): a client bug that would otherwise lose a write silently.
"""

import hashlib
from collections.abc import Callable

from django.db import IntegrityError, transaction

from relais.api.errors import ApiError
from relais.api.models import IdempotentReply

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def run_idempotent(request, operation: str, write: Callable[[], tuple[int, dict]]) -> tuple[int, dict]:
    """Run `write` (returning status and JSON body) at most once per token and key."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        with transaction.atomic():
            return write()
    if len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            422,
            "invalid",
            f"En-tête « {HEADER} » : au plus {MAX_KEY_LENGTH} caractères.",
            errors=[{"field": HEADER, "message": f"au plus {MAX_KEY_LENGTH} caractères"}],
        )
    token = request.api_token
    body_hash = hashlib.sha256(request.body).hexdigest()
    previous = IdempotentReply.objects.filter(token=token, key=key).first()
    if previous is None:
        try:
            with transaction.atomic():
                status, body = write()
                IdempotentReply.objects.create(
                    token=token, key=key, operation=operation, body_hash=body_hash, status_code=status, body=body
                )
            return status, body
        except IntegrityError:
            # Another request with the same key committed first (two tries of the same call at once).
            previous = IdempotentReply.objects.filter(token=token, key=key).first()
            if previous is None:
                raise
    if previous.operation != operation or previous.body_hash != body_hash:
        raise ApiError(
            422,
            "idempotency_key_reused",
            f"En-tête « {HEADER} » : cette clé a déjà servi pour une autre requête ({previous.operation}) "
            "avec un autre contenu. Utilisez une nouvelle clé pour une nouvelle écriture.",
            errors=[{"field": HEADER, "message": "clé déjà utilisée avec un autre contenu"}],
        )
    request.idempotent_replay = True
    return previous.status_code, previous.body
