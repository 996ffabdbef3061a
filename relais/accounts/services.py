"""Writes on accounts: single sign-on provisioning and the second factor. Each journals in its transaction."""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from relais.accounts.enums import Role
from relais.accounts.models import User
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
