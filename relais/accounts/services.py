"""Writes on accounts: single sign-on provisioning, the second factor, password resets and signed-in sessions.

Each change a person makes journals in its transaction (recording a session's start and activity does not: those
rows are the session's own record, removed with it).
"""

import datetime
import secrets
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from relais.accounts.devices import device_summary, truncated_address
from relais.accounts.enums import Role
from relais.accounts.models import User, UserSession
from relais.journal.services import journal_record, model_changes
from relais.organisation.models import Direction

SSO_FIELDS = ["username", "first_name", "last_name", "email", "role", "is_staff", "is_superuser", "is_active"]
# Unambiguous letters and digits only (no 0/O, 1/l/I): recovery codes are read off paper and typed.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def _direction_codes(user: User) -> list[str]:
    return sorted(user.directions.values_list("code", flat=True))


@transaction.atomic
def user_sync_from_sso(
    *,
    user: User | None,
    subject: str,
    username: str,
    role: str,
    direction_codes: list[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create or update the account of a person signing in through single sign-on, from the provider's claims.

    The provider decides the role and the followed directions at every sign-in: a role or direction withdrawn
    there is withdrawn here. `role` empty withdraws the role (the person then sees nothing); the caller refuses
    the sign-in. Administrators get the Django admin, as the demo's do. Unknown direction codes are ignored and
    named in the journal entry, which records who changed and how (the provider is the acting party: no user).
    """
    creating = user is None
    if creating:
        user = User(username=username)
        user.set_unusable_password()  # a single sign-on account has no local password to guess
        before = {}
    else:
        before = {name: getattr(user, name) for name in SSO_FIELDS}
        before_directions = _direction_codes(user)
    user.oidc_subject = subject
    user.username = username
    user.first_name = first_name[:150]
    user.last_name = last_name[:150]
    user.email = email[:254]
    user.role = role
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.is_active = True
    directions = list(Direction.objects.filter(code__in=direction_codes).order_by("code"))
    unknown = sorted(set(direction_codes) - {d.code for d in directions})
    if creating:
        user.save()
        user.directions.set(directions)
        payload = {"source": "sso", "role": role, "directions": [d.code for d in directions]}
        if unknown:
            payload["directions_inconnues"] = unknown
        journal_record(acting_user=None, action="accounts.user_create", obj=user, payload=payload)
        return user
    changes = model_changes(user, SSO_FIELDS, before)
    after_directions = [d.code for d in directions]
    if after_directions != before_directions:
        changes["directions"] = [before_directions, after_directions]
    if changes:
        user.save()
        user.directions.set(directions)
        payload = {"source": "sso", "changes": changes}
        if unknown:
            payload["directions_inconnues"] = unknown
        journal_record(acting_user=None, action="accounts.user_update", obj=user, payload=payload)
    user._relais_scope = None
    return user


@transaction.atomic
def user_link_to_sso(*, user: User, subject: str) -> User:
    """Attach an existing local account to the provider's `subject` (RELAIS_OIDC_LINK_LOCAL_ACCOUNTS only)."""
    user.oidc_subject = subject
    user.set_unusable_password()
    user.save(update_fields=["oidc_subject", "password"])
    journal_record(acting_user=None, action="accounts.user_link_sso", obj=user, payload={"source": "sso"})
    return user


def totp_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator being enrolled: the same secret across reloads of the enrolment page, until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Codes de secours", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(settings.RELAIS_RECOVERY_CODES)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_enrol(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator that just gave a right code, and issue fresh recovery codes (shown once).

    A user has one authenticator: enrolling a new one removes the others.
    """
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    journal_record(
        acting_user=user, action="accounts.two_factor_enrol", obj=user, payload={"codes_de_secours": len(codes)}
    )
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working at once)."""
    codes = _new_recovery_codes(user)
    journal_record(
        acting_user=user, action="accounts.recovery_codes_renew", obj=user, payload={"codes_de_secours": len(codes)}
    )
    return codes


@transaction.atomic
def passkey_enrol_finish(*, user: User) -> list[str]:
    """After a passkey is registered: recovery codes (shown once) if the user has none yet, else none."""
    if StaticToken.objects.filter(device__user=user).exists():
        return []
    codes = _new_recovery_codes(user)
    journal_record(
        acting_user=user, action="accounts.recovery_codes_renew", obj=user, payload={"codes_de_secours": len(codes)}
    )
    return codes


class LastFactorError(Exception):
    """The passkey is the user's only second factor: removing it would leave the account with a password alone."""


@transaction.atomic
def passkey_remove(*, user: User, credential_id: int) -> None:
    """Remove one of the user's passkeys, unless it is their only second factor (an app or another passkey stays)."""
    credential = WebAuthnCredential.objects.select_for_update().get(user=user, pk=credential_id)
    others = WebAuthnCredential.objects.filter(user=user).exclude(pk=credential.pk).exists()
    if not (others or TOTPDevice.objects.filter(user=user, confirmed=True).exists()):
        raise LastFactorError
    credential.delete()
    journal_record(acting_user=user, action="accounts.passkey_remove", obj=user, payload={"cle": credential.name})


@transaction.atomic
def two_factor_reset(*, user: User, acting_user: User) -> None:
    """Remove a user's authenticator, passkeys and recovery codes (a lost phone): they enrol again at their next
    sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    journal_record(acting_user=acting_user, action="accounts.two_factor_reset", obj=user, payload={})


# --- Password reset by e-mail -------------------------------------------------------------------------------------


def password_reset_request(*, users: list[User]) -> None:
    """Queue the reset e-mails of the local accounts an address names, possibly none: the request does the same
    work whether the address is known or not, so its time tells nothing. The worker journals and sends each one
    (relais.accounts.tasks).
    """
    from relais.accounts.tasks import password_reset_mail_send

    user_ids = [user.pk for user in users]
    transaction.on_commit(lambda: password_reset_mail_send.enqueue(user_ids))


@transaction.atomic
def user_password_reset(*, user: User, password: str) -> None:
    """Set the password chosen through a reset link, and end every session of the user (a reset after a theft must
    shut the thief out). The second factor is untouched: the next sign-in asks for it as before. Journaled, without
    the password.
    """
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = _end_sessions(UserSession.objects.filter(user=user))
    journal_record(
        acting_user=user,
        action="accounts.password_reset",
        obj=user,
        payload={"moyen": "e-mail", "sessions_fermees": ended},
    )


# --- Signed-in sessions (relais.accounts.sessions) ----------------------------------------------------------------


def _stale(now) -> Q:
    stale = Q(started_at__lte=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
    if settings.RELAIS_SESSION_IDLE_MINUTES:
        stale |= Q(last_activity_at__lte=now - datetime.timedelta(minutes=settings.RELAIS_SESSION_IDLE_MINUTES))
    return stale


def sessions_forget_expired(now=None) -> int:
    """Forget the sessions that are over (idle past the limit or past their maximum age) and the session store's
    expired entries; the nightly purge calls it (each sign-in forgets the listed ones too). Returns how many
    listed sessions went."""
    count, _ = UserSession.objects.filter(_stale(now or timezone.now())).delete()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return count


def user_session_start(*, user: User, session_key: str, user_agent: str, address: str) -> UserSession:
    """Record a session that just signed in; forget the sessions of anyone that expired meanwhile."""
    now = timezone.now()
    UserSession.objects.filter(_stale(now)).delete()
    session, _ = UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={
            "user": user,
            "user_agent": user_agent[:300],
            "address": truncated_address(address),
            "started_at": now,
            "last_activity_at": now,
        },
    )
    return session


def user_session_seen(
    *, user: User, session_key: str, started_at: datetime.datetime, user_agent: str, address: str
) -> None:
    """Move a session's last activity to now (recorded again if its row is missing: a session key Django cycled)."""
    now = timezone.now()
    if not UserSession.objects.filter(session_key=session_key, user=user).update(last_activity_at=now):
        UserSession.objects.update_or_create(
            session_key=session_key,
            defaults={
                "user": user,
                "user_agent": user_agent[:300],
                "address": truncated_address(address),
                "started_at": started_at,
                "last_activity_at": now,
            },
        )


def _end_sessions(sessions) -> int:
    """Delete the sessions from Django's session store (their cookies then open nothing) and their rows."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@transaction.atomic
def user_session_end(*, acting_user: User, session: UserSession) -> None:
    """End one of the acting user's own sessions (a phone lost, a shared computer left signed in). Journaled."""
    if session.user_id != acting_user.pk:
        raise PermissionError("Une personne ne ferme que ses propres sessions.")
    _end_sessions(UserSession.objects.filter(pk=session.pk))
    journal_record(
        acting_user=acting_user,
        action="accounts.session_end",
        obj=acting_user,
        payload={"appareil": device_summary(session.user_agent), "ouverte_le": session.started_at.isoformat()},
    )


@transaction.atomic
def user_sessions_end_others(*, acting_user: User, current_key: str) -> int:
    """End every session of the acting user but the one making the request. Journaled with their number."""
    ended = _end_sessions(UserSession.objects.filter(user=acting_user).exclude(session_key=current_key))
    journal_record(
        acting_user=acting_user, action="accounts.sessions_end_others", obj=acting_user, payload={"sessions": ended}
    )
    return ended
