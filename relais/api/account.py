"""The user's own API tokens on « Mes sessions et jetons » (relais.accounts.sections): listed and revoked there.

The secret is never shown again (only its SHA-256 is stored): the list names a token by its name and prefix.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.views.decorators.http import require_POST

from relais.accounts.sections import Section
from relais.api.enums import Scope
from relais.api.models import ApiToken
from relais.api.services import token_revoke

SCOPE_LABELS = {s.value: s.label for s in Scope}


def own_tokens_context(request) -> dict:
    tokens = list(ApiToken.objects.owned_by(request.user).usable().order_by("-created_at"))
    for token in tokens:
        token.scope_labels = [SCOPE_LABELS.get(s, s) for s in token.scopes]
    return {"tokens": tokens}


SECTION = Section(template="api/_own_tokens.html", context=own_tokens_context)


@require_POST
def own_token_revoke(request, public_id):
    token = get_object_or_404(ApiToken.objects.owned_by(request.user), public_id=public_id)
    token_revoke(acting_user=request.user, token=token)
    messages.success(request, f"Le jeton « {token.name or token.prefix} » est révoqué : il ne fonctionne plus.")
    return redirect("accounts:sessions")


app_name = "tokens"
urlpatterns = [path("<uuid:public_id>/revoquer/", own_token_revoke, name="token_revoke")]
