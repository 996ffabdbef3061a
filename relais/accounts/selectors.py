"""Reads of accounts for a screen."""

from dataclasses import dataclass

from relais.accounts.devices import device_summary
from relais.accounts.models import UserSession


@dataclass(frozen=True)
class SessionRow:
    session: UserSession
    device: str
    current: bool


def own_sessions(*, user, current_key: str | None) -> list[SessionRow]:
    """The user's open sessions, this one first, then by last activity (a person sees only their own)."""
    rows = [
        SessionRow(session=s, device=device_summary(s.user_agent), current=s.session_key == current_key)
        for s in UserSession.objects.filter(user=user).active().order_by("-last_activity_at")
    ]
    return sorted(rows, key=lambda r: not r.current)
