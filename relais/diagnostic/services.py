"""Writes of the diagnostic: start a session, record an answer (and pick the next question), attach a result.

The adaptive logic itself is `relais.diagnostic.cat` (pure numpy); this module feeds it the bank's active
items and stores what it decides.
"""

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from relais.diagnostic import cat
from relais.diagnostic.models import Answer, Choice, Item, Scale, Session
from relais.diagnostic.permissions import can_attach_result, can_run_with_agent
from relais.journal.services import journal_record

SETTINGS = cat.Settings()


def bank_items() -> list[cat.Item]:
    """The active items as the engine sees them (key = primary key)."""
    rows = Item.objects.filter(is_active=True).values_list(
        "pk", "discrimination", "difficulty", "scale__topic__code", "competence__code"
    )
    return [cat.Item(pk, a, b, tool, competence) for pk, a, b, tool, competence in rows]


def scales() -> list[cat.Scale]:
    return [
        cat.Scale(code, guided, autonomous)
        for code, guided, autonomous in Scale.objects.values_list("topic__code", "guided_theta", "autonomous_theta")
    ]


def _rng(session: Session, position: int) -> np.random.Generator:
    # Seeded by the session and the rank: a reload shows the same question, two sessions differ.
    return np.random.default_rng([session.pk, position, session.public_id.int % (2**32)])


def _answered(session: Session, bank: dict) -> list[tuple[cat.Item, bool]]:
    rows = session.answers.order_by("position").values_list("item_id", "is_correct")
    return [(bank[item_id], correct) for item_id, correct in rows if item_id in bank]


def _advance(session: Session) -> None:
    """Estimate, then either finish (bands written) or set the next question."""
    bank = {item.key: item for item in bank_items()}
    responses = _answered(session, bank)
    estimate = cat.estimate(responses)
    session.theta, session.standard_error, session.items_count = estimate.theta, estimate.se, len(responses)
    following = None
    if not cat.is_finished(estimate, len(responses), SETTINGS):
        chosen = cat.select_next(
            list(bank.values()), [i for i, _ in responses], estimate.theta, _rng(session, len(responses)), SETTINGS
        )
        following = chosen.key if chosen else None
    if following is None:
        session.pending_item = None
        session.finished_at = timezone.now()
        session.bands = cat.bands(estimate.theta, scales())
    else:
        session.pending_item_id = following
    session.save()


@transaction.atomic
def session_start(*, acting_user, site=None, direction=None) -> Session:
    """Open a session with the site and direction only; a mediator's own sessions carry their name."""
    if site is not None and direction is None:
        direction = site.direction
    mediator = acting_user if can_run_with_agent(acting_user) else None
    session = Session.objects.create(site=site, direction=direction, mediator=mediator)
    _advance(session)
    return session


@transaction.atomic
def session_answer(*, session: Session, item_id: int, choice_id: int | None) -> Session:
    """Record the answer to the pending question ("Je ne sais pas" when `choice_id` is None: scored wrong).

    An answer to another question than the pending one (a page sent twice, the back button) is ignored.
    """
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.finished_at is not None or session.pending_item_id != item_id:
        return session
    choice = None
    if choice_id is not None:
        choice = Choice.objects.filter(pk=choice_id, item_id=item_id).first()
        if choice is None:
            raise ValidationError("Réponse : choisissez une des réponses proposées.")
    position = session.answers.count()
    Answer.objects.create(
        session=session,
        item_id=item_id,
        position=position,
        choice=choice,
        is_correct=bool(choice and choice.is_correct),
        theta_after=0.0,
        se_after=0.0,
    )
    _advance(session)
    Answer.objects.filter(session=session, position=position).update(
        theta_after=session.theta, se_after=session.standard_error
    )
    return session


@transaction.atomic
def session_attach_agent(*, acting_user, session: Session, agent, agreed: bool) -> Session:
    """Attach a finished result to the agent who took it with the mediator, only with their recorded agreement.

    Journaled on the agent (personal data): who attached it, when the agreement was given, the bands.
    """
    if not can_attach_result(acting_user, session):
        raise PermissionDenied
    if not agreed:
        raise ValidationError("Accord de l'agent : cochez la case pour rattacher le résultat, sinon il reste anonyme.")
    session = Session.objects.select_for_update().get(pk=session.pk)
    session.agent = agent
    session.agreement_at = timezone.now()
    session.direction_id = agent.direction_id
    session.site_id = agent.site_id or session.site_id
    session.save(update_fields=["agent", "agreement_at", "direction", "site", "updated_at"])
    journal_record(
        acting_user=acting_user,
        action="diagnostic.attach",
        obj=agent,
        payload={"session": str(session.public_id), "bands": session.bands, "agreement": True},
    )
    return session
