"""Writes of the API area: tokens and applications, and the adoption push (many observations at once)."""

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import polars as pl
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.adoption.models import Observation, ToolAccount
from relais.agents.models import Agent
from relais.api.enums import Scope
from relais.api.models import ApiApplication, ApiToken
from relais.imports.adoption import accounts_refresh_sql
from relais.journal.services import journal_record, journal_record_rows

TOKEN_PREFIX = "rls_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
DEFAULT_DAYS = 90
MAX_DAYS = 366


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: ApiToken, clear: str) -> bool:
    return hmac.compare_digest(token.key_hash, token_hash(clear))


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    clear: str  # shown once, never stored


def _clean_scopes(scopes) -> list[str]:
    scopes = list(dict.fromkeys(str(s) for s in scopes))
    unknown = [s for s in scopes if s not in Scope.values]
    if unknown:
        raise ValidationError(
            f"Droit inconnu : {', '.join(unknown)}. Droits possibles : {', '.join(Scope.values)}.", code="scope"
        )
    if not scopes:
        raise ValidationError("Indiquez au moins un droit (scope).", code="scope")
    return scopes


def token_create(
    *,
    acting_user,
    scopes,
    user: User | None = None,
    application: ApiApplication | None = None,
    days: int = DEFAULT_DAYS,
    name: str = "",
) -> IssuedToken:
    """Issue a token for a user or an application; only its hash is kept. Journaled.

    Rules: exactly one owner; known scopes only; 1 to MAX_DAYS days of life; a user's token needs an active user.
    """
    if (user is None) == (application is None):
        raise ValidationError("Un jeton appartient soit à un utilisateur, soit à une application.")
    if user is not None and not user.is_active:
        raise ValidationError(f"Le compte {user.username} est désactivé : pas de jeton.")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"Durée de validité (days) : entre 1 et {MAX_DAYS} jours, pas {days}.")
    scopes = _clean_scopes(scopes)
    prefix = TOKEN_PREFIX + secrets.token_hex(4)
    clear = f"{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name[:120],
            prefix=prefix,
            key_hash=token_hash(clear),
            user=user,
            application=application,
            scopes=scopes,
            created_by=acting_user if acting_user is not None and acting_user.is_authenticated else None,
            expires_at=timezone.now() + datetime.timedelta(days=days),
        )
        journal_record(
            acting_user=acting_user,
            action="api.token_create",
            obj=token,
            payload={"préfixe": prefix, "titulaire": token.owner_label, "droits": scopes, "jours": days},
        )
    return IssuedToken(token=token, clear=clear)


def token_revoke(*, acting_user, token: ApiToken) -> ApiToken:
    """Revoke a token at once (a revoked token never works again). Journaled; revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            journal_record(
                acting_user=acting_user,
                action="api.token_revoke",
                obj=token,
                payload={"préfixe": token.prefix, "titulaire": token.owner_label},
            )
    return token


@transaction.atomic
def application_create(*, acting_user, name: str, directions, description: str = "") -> ApiApplication:
    """Register a client application that sees exactly `directions` (its principal is an HR correspondent of them)."""
    name = name.strip()
    if not name:
        raise ValidationError("Nommez l'application.")
    if ApiApplication.objects.filter(name=name).exists():
        raise ValidationError(f"Une application s'appelle déjà « {name} ».")
    username = f"api-{slugify(name)[:100] or 'application'}"
    if User.objects.filter(username=username).exists():
        username = f"{username}-{secrets.token_hex(3)}"
    principal = User(username=username, first_name="Application", last_name=name[:150], role=Role.HR)
    principal.set_unusable_password()
    principal.save()
    application = ApiApplication.objects.create(name=name, description=description, principal=principal)
    application_set_directions(acting_user=acting_user, application=application, directions=directions)
    journal_record(acting_user=acting_user, action="api.application_create", obj=application, payload={"nom": name})
    return application


@transaction.atomic
def application_set_directions(*, acting_user, application: ApiApplication, directions) -> ApiApplication:
    """The directions an application may see: its principal's, the one place `direction_scope` reads."""
    before = sorted(application.principal.directions.values_list("code", flat=True))
    application.principal.directions.set(directions)
    after = sorted(application.principal.directions.values_list("code", flat=True))
    if before != after:
        journal_record(
            acting_user=acting_user,
            action="api.application_directions",
            obj=application,
            payload={"directions": [before, after]},
        )
    return application


# --- Adoption push -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationIn:
    agent_id: int
    agent_text: str
    tool_id: int
    tool_code: str
    source: str
    as_of: datetime.date
    login: str = ""
    provisioned_on: datetime.date | None = None
    first_sign_in_on: datetime.date | None = None
    last_activity_on: datetime.date | None = None
    is_disabled: bool = False
    reference: str = ""


def observations_push(*, acting_user, items: list[ObservationIn], via: str) -> dict[str, int]:
    """Record a batch of observations as `adoption.services.observation_record` does, one set-based write per step.

    Same rules: the account is created when missing (provisioned on the as-of date unless told), one observation
    per account, source and day (a repeat adds nothing), the account's facts merged by `accounts_refresh`, and
    one journal entry per new observation naming the agent, as the page writes do.
    """
    with transaction.atomic():
        pairs = {(i.agent_id, i.tool_id) for i in items}
        agent_ids = sorted({a for a, _t in pairs})
        accounts = {
            (a.agent_id, a.tool_id): a
            for a in ToolAccount.objects.filter(agent_id__in=agent_ids).only("pk", "agent_id", "tool_id", "login")
        }
        new_accounts, created_pairs = [], set()
        for item in items:
            key = (item.agent_id, item.tool_id)
            if key not in accounts and key not in created_pairs:
                created_pairs.add(key)
                new_accounts.append(
                    ToolAccount(
                        agent_id=item.agent_id,
                        tool_id=item.tool_id,
                        login=item.login,
                        provisioned_on=item.provisioned_on or item.as_of,
                    )
                )
        ToolAccount.objects.bulk_create(new_accounts, batch_size=500)
        if new_accounts:
            accounts = {
                (a.agent_id, a.tool_id): a
                for a in ToolAccount.objects.filter(agent_id__in=agent_ids).only("pk", "agent_id", "tool_id", "login")
            }
        logins = {}
        for item in items:
            account = accounts[(item.agent_id, item.tool_id)]
            if item.login and account.login != item.login:
                account.login = logins[account.pk] = item.login
        if logins:
            at = connection.ops.adapt_datetimefield_value(timezone.now())
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {ToolAccount._meta.db_table} SET login = %s, updated_at = %s WHERE id = %s",  # noqa: S608
                    [(login, at, pk) for pk, login in logins.items()],
                )
        account_ids = sorted({a.pk for a in accounts.values()})
        existing = set(
            Observation.objects.filter(account_id__in=account_ids).values_list("account_id", "source", "as_of")
        )
        new_obs, journal_rows = [], []
        for item in items:
            account = accounts[(item.agent_id, item.tool_id)]
            key = (account.pk, item.source, item.as_of)
            if key in existing:
                continue
            existing.add(key)
            created = (item.agent_id, item.tool_id) in created_pairs
            new_obs.append(
                Observation(
                    account_id=account.pk,
                    source=item.source,
                    as_of=item.as_of,
                    provisioned_on=item.provisioned_on or (item.as_of if created else None),
                    first_sign_in_on=item.first_sign_in_on,
                    last_activity_on=item.last_activity_on,
                    is_disabled=item.is_disabled,
                    reference=item.reference,
                )
            )
            journal_rows.append(
                (
                    item.agent_id,
                    item.agent_text,
                    {
                        "outil": item.tool_code,
                        "source": item.source,
                        "au": item.as_of.isoformat(),
                        "activation": item.first_sign_in_on.isoformat() if item.first_sign_in_on else None,
                        "via": via,
                    },
                )
            )
        Observation.objects.bulk_create(new_obs, batch_size=500)
        touched = sorted({o.account_id for o in new_obs})
        if touched:
            # The imports' set-based twin of adoption.services.accounts_refresh (same rules), which also moves
            # updated_at: readers syncing by modification date see the account change.
            with connection.cursor() as cursor:
                accounts_refresh_sql(cursor, pl.DataFrame({"id": touched}, schema={"id": pl.Int64}))
        journal_record_rows(acting_user=acting_user, action="adoption.observation", model=Agent, rows=journal_rows)
    return {"received": len(items), "recorded": len(new_obs), "accounts_created": len(new_accounts)}
