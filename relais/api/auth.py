"""Bearer-token authentication of the API, with the per-token rate limit.

The limit counts calls per token in fixed windows of `RELAIS_API_RATE_WINDOW` seconds in the host's shared cache
(`relais.core.cache.count_hit`, atomic across the web workers); past `RELAIS_API_RATE_LIMIT` calls the API answers
429 with `Retry-After`, the seconds left in the window.
"""

import time

from django.conf import settings
from django.utils import timezone
from ninja.security import HttpBearer

from relais.api.errors import ApiError
from relais.api.models import ApiToken
from relais.api.services import PREFIX_LENGTH, TOKEN_PREFIX, token_matches
from relais.core.cache import count_hit

# Writing last_used_at on every call would turn each read into a write: once a minute is enough to audit.
LAST_USED_EVERY = 60


def rate_limit(token: ApiToken) -> None:
    limit = settings.RELAIS_API_RATE_LIMIT
    window = settings.RELAIS_API_RATE_WINDOW
    if limit <= 0:
        return
    now = time.time()
    slot = int(now // window)
    if count_hit(f"relais:api:rate:{token.prefix}:{slot}", window) > limit:
        retry = max(1, int((slot + 1) * window - now + 0.999))
        raise ApiError(
            429,
            "rate_limited",
            f"Trop de requêtes pour ce jeton ({limit} par {window} s) : réessayez dans {retry} s.",
            headers={"Retry-After": str(retry)},
        )


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        # "rls_" + 8 hex digits (the prefix shown in lists), "_", then the secret (which may hold "_" too).
        prefix = token[:PREFIX_LENGTH]
        if not prefix.startswith(TOKEN_PREFIX) or token[PREFIX_LENGTH : PREFIX_LENGTH + 1] != "_":
            return None
        found = ApiToken.objects.select_related("user", "application__principal").filter(prefix=prefix).first()
        if found is None or not token_matches(found, token) or not found.is_usable:
            return None
        acting = found.acting_user
        if acting is None or not acting.is_active:
            return None
        rate_limit(found)
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = acting
        request.api_token = found
        return found
