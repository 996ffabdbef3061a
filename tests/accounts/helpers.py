"""Signing in test users who owe a second factor (administrators and coordinators outside the demo accounts)."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def force_verified_login(client, user) -> None:
    """`client.force_login(user)` plus a confirmed authenticator and a session that gave its code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def totp_now(device, steps_ahead: int = 0) -> str:
    """The code the device's authenticator app shows now (or `steps_ahead` periods of 30 s later).

    A code is accepted once only: a test that signs in twice within 30 s gives the next period's code, which
    django-otp accepts (one period of tolerance for the phone's clock).
    """
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"
