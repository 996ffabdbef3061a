"""Who may run the diagnostic with an agent and attach its result (pure predicates)."""

from relais.accounts.enums import Role

RUNNERS = frozenset({Role.MEDIATOR, Role.COORDINATOR, Role.ADMIN})


def can_run_with_agent(user) -> bool:
    """A mediator (or coordinator) running the diagnostic on their own phone with an agent."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.role in RUNNERS)


def can_attach_result(user, session) -> bool:
    """Only the mediator who ran a finished, not yet attached session."""
    return bool(
        can_run_with_agent(user)
        and session.mediator_id == user.pk
        and session.finished_at is not None
        and session.agent_id is None
    )
