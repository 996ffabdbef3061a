"""Writes to field work. Each runs in one transaction with its journal entry (before/after values).

Writes made from the phone take an `idempotency_key` (a UUID the phone chose when the mediator tapped):
a retried request with the same key — the response was lost, or the offline outbox sent it twice —
returns the first result and writes nothing more. The key is stored in `WriteReceipt` (unique), inserted
in a savepoint together with the write, so two concurrent attempts cannot both succeed.
"""

import datetime
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from relais.accounts.enums import Role
from relais.adoption.enums import Source
from relais.adoption.models import MAILBOX, Observation, Tool
from relais.adoption.services import accounts_refresh, observation_record
from relais.agents.models import Agent
from relais.fieldwork.enums import (
    MAX_DURATION_MINUTES,
    ActivityKind,
    Autonomy,
    Equipment,
    Level,
    Redirection,
    SignInMethod,
    VisitOrigin,
    VisitStatus,
)
from relais.fieldwork.models import Activity, Participation, Visit, WriteReceipt
from relais.journal.services import journal_record, model_changes
from relais.knowledge.models import Topic
from relais.organisation.models import Direction, Site

T = TypeVar("T", bound=models.Model)


@dataclass(frozen=True)
class Written(Generic[T]):
    """What a phone write returns: the object, and whether this call replayed an earlier attempt."""

    obj: T
    replayed: bool = False


def _as_key(key) -> uuid.UUID | None:
    if key in (None, ""):
        return None
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError as exc:
        raise ValidationError("Clé d'idempotence invalide.") from exc


def _replay(receipt: WriteReceipt, *, operation: str, acting_user, model: type[T]) -> Written[T]:
    # A key belongs to the write it was chosen for: reusing it for another write or by another person is refused.
    if receipt.operation != operation or receipt.acting_user_id != getattr(acting_user, "pk", None):
        raise ValidationError("Cette clé d'idempotence a déjà servi pour une autre saisie.")
    return Written(model._base_manager.get(pk=receipt.object_id), replayed=True)


def _once(key, *, operation: str, acting_user, model: type[T], write: Callable[[], T]) -> Written[T]:
    """Run `write` once per idempotency key; a repeated key returns the first result and writes nothing."""
    key = _as_key(key)
    if key is None:
        return Written(write())
    receipt = WriteReceipt.objects.filter(key=key).first()
    if receipt is not None:
        return _replay(receipt, operation=operation, acting_user=acting_user, model=model)
    try:
        with transaction.atomic():
            obj = write()
            WriteReceipt.objects.create(
                key=key,
                operation=operation,
                acting_user=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                object_type=obj._meta.label_lower,
                object_id=obj.pk,
            )
    except IntegrityError:
        # Either a concurrent attempt with the same key committed first (replay it), or the write itself broke
        # a constraint (re-raise).
        receipt = WriteReceipt.objects.filter(key=key).first()
        if receipt is None:
            raise
        return _replay(receipt, operation=operation, acting_user=acting_user, model=model)
    return Written(obj)


def _check_editable(visit: Visit, *, allow_done: bool = False) -> None:
    if visit.deleted_at is not None:
        raise ValidationError("Ce déplacement a été supprimé.")
    closed = (VisitStatus.CANCELLED,) if allow_done else (VisitStatus.DONE, VisitStatus.CANCELLED)
    if visit.status in closed:
        raise ValidationError(f"Ce déplacement est {visit.get_status_display().lower()} : il ne se modifie plus.")


def _snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


# --- Visits -----------------------------------------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *,
    acting_user,
    site: Site,
    date: datetime.date,
    mediators: Iterable,
    origin: str = VisitOrigin.PLANNED,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    notes: str = "",
    idempotency_key=None,
) -> Written[Visit]:
    """Plan (or record on the spot) a visit to a site; every mediator named must hold the mediator role."""
    mediators = list(mediators)

    def write() -> Visit:
        if not mediators:
            raise ValidationError("Un déplacement a au moins un médiateur.")
        not_mediators = [str(u) for u in mediators if u.role != Role.MEDIATOR]
        if not_mediators:
            raise ValidationError(f"N'ont pas le rôle de médiateur : {', '.join(not_mediators)}.")
        visit = Visit(
            site=site,
            date=date,
            origin=origin,
            starts_at=starts_at,
            ends_at=ends_at,
            notes=notes,
            created_by=acting_user,
        )
        visit.full_clean()
        visit.save()
        visit.mediators.set(mediators)
        journal_record(
            acting_user=acting_user,
            action="fieldwork.visit_create",
            obj=visit,
            payload={
                "site": site.name,
                "date": date.isoformat(),
                "origine": str(origin),
                "médiateurs": [u.username for u in mediators],
            },
        )
        return visit

    return _once(idempotency_key, operation="visit_create", acting_user=acting_user, model=Visit, write=write)


def _visit_transition(
    *, visit: Visit, acting_user, to: VisitStatus, allowed_from: tuple, action: str, idempotency_key, extra=None
) -> Written[Visit]:
    def write() -> Visit:
        current = Visit.objects.select_for_update().get(pk=visit.pk)
        if current.deleted_at is not None:
            raise ValidationError("Ce déplacement a été supprimé.")
        if current.status == to:
            return current  # tapping "start" twice is harmless
        if current.status not in allowed_from:
            raise ValidationError(
                f"Impossible : le déplacement est {current.get_status_display().lower()}, "
                f"il ne peut pas passer à « {to.label.lower()} »."
            )
        before = _snapshot(current, ["status", "started_at", "closed_at", "starts_at", "ends_at"])
        current.status = to
        if extra:
            extra(current)
        current.save()
        if to in (VisitStatus.DONE, VisitStatus.CANCELLED):
            _free_signin_codes(current)
        journal_record(
            acting_user=acting_user,
            action=action,
            obj=current,
            payload={"modifications": model_changes(current, before.keys(), before)},
        )
        return current

    with transaction.atomic():
        written = _once(idempotency_key, operation=action, acting_user=acting_user, model=Visit, write=write)
    visit.refresh_from_db()
    return written


def visit_start(*, visit: Visit, acting_user, idempotency_key=None) -> Written[Visit]:
    """The mediator arrives on site: the visit is under way (start time filled if it was not planned)."""

    def extra(v: Visit) -> None:
        now = timezone.localtime()
        v.started_at = now
        if v.starts_at is None:
            v.starts_at = now.time().replace(second=0, microsecond=0)

    return _visit_transition(
        visit=visit,
        acting_user=acting_user,
        to=VisitStatus.UNDER_WAY,
        allowed_from=(VisitStatus.PLANNED,),
        action="fieldwork.visit_start",
        idempotency_key=idempotency_key,
        extra=extra,
    )


def visit_close(*, visit: Visit, acting_user, idempotency_key=None) -> Written[Visit]:
    """The visit is over (after its summary was shown): done, with its end time; it no longer changes."""

    def extra(v: Visit) -> None:
        now = timezone.localtime()
        v.closed_at = now
        if v.started_at is None:
            v.started_at = now
        end = now.time().replace(second=0, microsecond=0)
        if v.ends_at is None and (v.starts_at is None or end > v.starts_at):
            v.ends_at = end

    return _visit_transition(
        visit=visit,
        acting_user=acting_user,
        to=VisitStatus.DONE,
        allowed_from=(VisitStatus.PLANNED, VisitStatus.UNDER_WAY),
        action="fieldwork.visit_close",
        idempotency_key=idempotency_key,
        extra=extra,
    )


def visit_cancel(*, visit: Visit, acting_user, idempotency_key=None) -> Written[Visit]:
    """A planned visit will not take place."""
    return _visit_transition(
        visit=visit,
        acting_user=acting_user,
        to=VisitStatus.CANCELLED,
        allowed_from=(VisitStatus.PLANNED,),
        action="fieldwork.visit_cancel",
        idempotency_key=idempotency_key,
    )


VISIT_EDITABLE = ("date", "starts_at", "ends_at", "origin", "notes")


@transaction.atomic
def visit_update(*, visit: Visit, acting_user, **fields) -> dict[str, list]:
    """Correct a visit's date, times, origin or notes; the before/after values are journaled."""
    unknown = set(fields) - set(VISIT_EDITABLE)
    if unknown:
        raise TypeError(f"visit_update: unexpected fields {sorted(unknown)}")
    if visit.deleted_at is not None:
        raise ValidationError("Ce déplacement a été supprimé.")
    before = _snapshot(Visit.objects.get(pk=visit.pk), fields)
    for name, value in fields.items():
        setattr(visit, name, value)
    changes = model_changes(visit, fields, before)
    if not changes:
        return {}
    visit.full_clean()
    visit.save()
    journal_record(
        acting_user=acting_user, action="fieldwork.visit_update", obj=visit, payload={"modifications": changes}
    )
    return changes


@transaction.atomic
def visit_delete(*, visit: Visit, acting_user) -> None:
    """Soft-delete a visit (entered by mistake): it leaves every list and count; the journal keeps the trace."""
    if visit.deleted_at is not None:
        return
    visit.deleted_at = timezone.now()
    visit.save(update_fields=["deleted_at", "updated_at"])
    _free_signin_codes(visit)
    journal_record(
        acting_user=acting_user, action="fieldwork.visit_delete", obj=visit, payload={"site": str(visit.site)}
    )


# --- Activities -------------------------------------------------------------------------------------------------


def _validate_activity(*, kind: str, title: str, level: str, duration_minutes: int, equipment: str) -> None:
    errors = {}
    if kind not in ActivityKind.values:
        errors["kind"] = "Type d'activité inconnu."
    if kind == ActivityKind.WORKSHOP and not title.strip():
        errors["title"] = "Un atelier a un titre."
    if level and kind != ActivityKind.WORKSHOP:
        errors["level"] = "Le niveau ne concerne que les ateliers."
    if level and level not in Level.values:
        errors["level"] = "Niveau inconnu."
    if not isinstance(duration_minutes, int) or not 0 < duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = f"La durée est un nombre de minutes entre 1 et {MAX_DURATION_MINUTES}."
    if equipment not in Equipment.values:
        errors["equipment"] = "Matériel inconnu."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_add(
    *,
    visit: Visit,
    acting_user,
    kind: str,
    title: str = "",
    level: str = "",
    duration_minutes: int = 30,
    equipment: str = Equipment.PHONE,
    topics: Iterable[Topic] = (),
    idempotency_key=None,
) -> Written[Activity]:
    """Add a workshop, drop-in desk or one-to-one help to a visit that is not closed."""
    topics = list(topics)

    def write() -> Activity:
        _check_editable(visit)
        _validate_activity(kind=kind, title=title, level=level, duration_minutes=duration_minutes, equipment=equipment)
        activity = Activity.objects.create(
            visit=visit,
            kind=kind,
            title=title.strip(),
            level=level,
            duration_minutes=duration_minutes,
            equipment=equipment,
            created_by=acting_user,
        )
        activity.topics.set(topics)
        journal_record(
            acting_user=acting_user,
            action="fieldwork.activity_add",
            obj=activity,
            payload={
                "déplacement": str(visit.public_id),
                "type": kind,
                "durée": duration_minutes,
                "thèmes": [t.code for t in topics],
            },
        )
        return activity

    return _once(idempotency_key, operation="activity_add", acting_user=acting_user, model=Activity, write=write)


ACTIVITY_EDITABLE = ("kind", "title", "level", "duration_minutes", "equipment")


@transaction.atomic
def activity_update(*, activity: Activity, acting_user, topics: Iterable[Topic] | None = None, **fields) -> dict:
    """Correct an activity of a visit that is not closed; the before/after values are journaled."""
    unknown = set(fields) - set(ACTIVITY_EDITABLE)
    if unknown:
        raise TypeError(f"activity_update: unexpected fields {sorted(unknown)}")
    if activity.deleted_at is not None:
        raise ValidationError("Cette activité a été supprimée.")
    _check_editable(activity.visit)
    if "title" in fields:
        fields["title"] = fields["title"].strip()
    before = _snapshot(Activity.objects.get(pk=activity.pk), ACTIVITY_EDITABLE)
    for name, value in fields.items():
        setattr(activity, name, value)
    _validate_activity(**{name: getattr(activity, name) for name in ACTIVITY_EDITABLE})
    changes = model_changes(activity, ACTIVITY_EDITABLE, before)
    if topics is not None:
        old = sorted(activity.topics.values_list("code", flat=True))
        new = sorted(t.code for t in topics)
        if old != new:
            activity.topics.set(topics)
            changes["topics"] = [", ".join(old), ", ".join(new)]
    if not changes:
        return {}
    activity.save()
    journal_record(
        acting_user=acting_user, action="fieldwork.activity_update", obj=activity, payload={"modifications": changes}
    )
    return changes


# No 0/O, 1/I/L, 5/S, 2/Z, 8/B: read aloud or copied from a sheet by hand, none of them can be mistaken.
SIGNIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
SIGNIN_CODE_LENGTH = 6


def _free_signin_codes(visit: Visit) -> None:
    Activity.objects.filter(visit=visit).exclude(signin_code="").update(signin_code="")


def activity_signin_code(*, activity: Activity) -> str:
    """The activity's short sign-in code, drawn at random (`secrets`) the first time, unique among open sheets.

    25 letters and digits to the 6th are 244 million codes for a few dozen open sheets: a collision is
    rare, and the unique constraint turns it into one more draw.
    """
    if activity.signin_code:
        return activity.signin_code
    for _ in range(10):
        code = "".join(secrets.choice(SIGNIN_CODE_ALPHABET) for _ in range(SIGNIN_CODE_LENGTH))
        try:
            with transaction.atomic():
                if Activity.objects.filter(pk=activity.pk, signin_code="").update(signin_code=code):
                    activity.signin_code = code
                    return code
        except IntegrityError:
            continue  # another open sheet holds it
        activity.signin_code = Activity.objects.values_list("signin_code", flat=True).get(pk=activity.pk)
        return activity.signin_code  # given by a concurrent request
    raise RuntimeError("no free sign-in code after 10 draws")


def normalise_signin_code(value: str) -> str:
    """What an agent typed, as a code: case, spaces and dashes ignored."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[: SIGNIN_CODE_LENGTH * 2]


@transaction.atomic
def activity_delete(*, activity: Activity, acting_user) -> None:
    """Soft-delete an activity and leave its participants out of every count; journaled."""
    if activity.deleted_at is not None:
        return
    activity.deleted_at = timezone.now()
    activity.signin_code = ""
    activity.save(update_fields=["deleted_at", "signin_code", "updated_at"])
    journal_record(acting_user=acting_user, action="fieldwork.activity_delete", obj=activity, payload={})


# --- Participants -----------------------------------------------------------------------------------------------


@transaction.atomic
def participant_add(
    *,
    activity: Activity,
    acting_user,
    agent: Agent | None = None,
    direction: Direction | None = None,
    category: str = "",
    walk_in_label: str = "",
    signed_in_by: str = SignInMethod.MEDIATOR,
    idempotency_key=None,
) -> Written[Participation]:
    """Put an agent of the referential, or a walk-in (direction and category only), on an activity's sheet.

    An agent already on the sheet is not added twice: the existing line is returned.
    """

    def write() -> Participation:
        _check_editable(activity.visit)
        if activity.deleted_at is not None:
            raise ValidationError("Cette activité a été supprimée.")
        if agent is not None:
            existing = Participation.objects.filter(activity=activity, agent=agent, deleted_at__isnull=True).first()
            if existing is not None:
                return existing
            participation = Participation(
                activity=activity,
                agent=agent,
                direction_id=agent.direction_id,
                category=agent.category,
                signed_in_by=signed_in_by,
                created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            )
        else:
            if direction is None:
                raise ValidationError({"direction": "Pour une personne hors référentiel, indiquez sa direction."})
            participation = Participation(
                activity=activity,
                is_walk_in=True,
                walk_in_label=walk_in_label.strip()[:80],
                direction=direction,
                category=category,
                signed_in_by=signed_in_by,
                created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
            )
        # Fields checked here; the table's constraints are the database's to enforce at the insert (one query
        # each, a third of the add's time under load, issue 16 §5): the one a phone can meet, an agent
        # added twice at once, is the IntegrityError below.
        participation.full_clean(exclude=["activity", "agent", "direction", "created_by"], validate_constraints=False)
        try:
            with transaction.atomic():
                participation.save()
        except IntegrityError:
            # The same agent added at the same moment from another phone: keep the first line.
            existing = Participation.objects.filter(activity=activity, agent=agent, deleted_at__isnull=True).first()
            if existing is None:
                raise
            return existing
        journal_record(
            acting_user=acting_user,
            action="fieldwork.participant_add",
            obj=participation,
            payload={
                "activité": str(activity.public_id),
                "agent": agent.matricule if agent else None,
                "hors_référentiel": agent is None,
                "inscription": str(signed_in_by),
            },
        )
        return participation

    return _once(
        idempotency_key, operation="participant_add", acting_user=acting_user, model=Participation, write=write
    )


def _mailbox() -> Tool:
    return Tool.objects.get(code=MAILBOX)


def _mediation_reference(participation: Participation) -> str:
    return f"mediation:{participation.public_id}"


def _activation_apply(*, participation: Participation, acting_user) -> None:
    """Make the adoption history say what the session did: the mailbox was first signed into on the session day."""
    if participation.agent_id is None:
        return  # a walk-in: recorded when matched (walkin_match)
    day = participation.activity.visit.date
    if participation.mailbox_activated:
        observation_record(
            acting_user=acting_user,
            agent=participation.agent,
            tool=_mailbox(),
            source=Source.MEDIATION,
            as_of=day,
            first_sign_in_on=day,
            last_activity_on=day,
            reference=_mediation_reference(participation),
        )
        return
    # Untapped by mistake: withdraw this session's own observation, and only it, then re-merge the facts.
    observations = Observation.objects.filter(
        account__agent_id=participation.agent_id,
        account__tool__code=MAILBOX,
        source=Source.MEDIATION,
        reference=_mediation_reference(participation),
    )
    account_ids = list(observations.values_list("account_id", flat=True))
    if account_ids:
        observations.delete()
        accounts_refresh(account_ids)
        journal_record(
            acting_user=acting_user,
            action="adoption.observation_withdraw",
            obj=participation.agent,
            payload={"outil": MAILBOX, "source": Source.MEDIATION.value, "au": day.isoformat()},
        )


OUTCOME_FIELDS = (
    "mailbox_activated",
    "password_reset",
    "autonomy",
    "followup_needed",
    "followup_reason",
    "redirected_to",
)


@transaction.atomic
def outcome_record(
    *,
    participation: Participation,
    acting_user,
    idempotency_key=None,
    apps: dict[str, bool] | None = None,
    **outcomes,
) -> Written[Participation]:
    """Record what changed for a participant; each call sets values (not toggles), so a replay is harmless.

    Rules: a mailbox activated during the session updates the agent's adoption history at once (source:
    mediation, first sign-in on the session day); a follow-up needs a reason; `apps` maps tool codes to
    installed or not.
    """
    unknown = set(outcomes) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"outcome_record: unexpected fields {sorted(unknown)}")

    def write() -> Participation:
        current = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("activity__visit", "agent")
            .get(pk=participation.pk)
        )
        if current.deleted_at is not None:
            raise ValidationError("Cette ligne a été supprimée.")
        # Outcomes may still be completed after closing (the mediator finishes on the way back).
        _check_editable(current.activity.visit, allow_done=True)
        errors = {}
        if "autonomy" in outcomes and outcomes["autonomy"] not in [*Autonomy.values, ""]:
            errors["autonomy"] = "Niveau d'autonomie inconnu."
        if "redirected_to" in outcomes and outcomes["redirected_to"] not in [*Redirection.values, ""]:
            errors["redirected_to"] = "Orientation inconnue."
        if "followup_reason" in outcomes:
            outcomes["followup_reason"] = (outcomes["followup_reason"] or "").strip()[:200]
        if errors:
            raise ValidationError(errors)
        before = _snapshot(current, OUTCOME_FIELDS)
        for name, value in outcomes.items():
            setattr(current, name, value)
        if not current.followup_needed:
            current.followup_reason = ""
            current.followup_done_on = None
        changes = model_changes(current, OUTCOME_FIELDS, before)
        if apps:
            tools = {t.code: t for t in Tool.objects.filter(code__in=apps)}
            missing = set(apps) - set(tools)
            if missing:
                raise ValidationError({"apps": f"Application inconnue : {', '.join(sorted(missing))}."})
            installed = set(current.apps_installed.values_list("code", flat=True))
            wanted = (installed - {code for code, on in apps.items() if not on}) | {c for c, on in apps.items() if on}
            if wanted != installed:
                current.apps_installed.set(Tool.objects.filter(code__in=wanted))
                changes["apps_installed"] = [", ".join(sorted(installed)), ", ".join(sorted(wanted))]
        if not changes:
            return current
        current.save()
        journal_record(
            acting_user=acting_user,
            action="fieldwork.outcome_record",
            obj=current,
            payload={"modifications": changes},
        )
        if "mailbox_activated" in changes:
            _activation_apply(participation=current, acting_user=acting_user)
        return current

    return _once(idempotency_key, operation="outcome_record", acting_user=acting_user, model=Participation, write=write)


@transaction.atomic
def followup_close(
    *, participation: Participation, acting_user, done_on: datetime.date | None = None, idempotency_key=None
) -> Written[Participation]:
    """The follow-up was done: it leaves the mediator's to-do list."""

    def write() -> Participation:
        current = Participation.objects.select_for_update(of=("self",)).get(pk=participation.pk)
        if not current.followup_needed:
            raise ValidationError("Aucun suivi n'était prévu pour cette personne.")
        if current.followup_done_on is not None:
            return current
        current.followup_done_on = done_on or timezone.localdate()
        current.save(update_fields=["followup_done_on", "updated_at"])
        journal_record(
            acting_user=acting_user,
            action="fieldwork.followup_close",
            obj=current,
            payload={"fait_le": current.followup_done_on.isoformat()},
        )
        return current

    written = _once(
        idempotency_key, operation="followup_close", acting_user=acting_user, model=Participation, write=write
    )
    participation.refresh_from_db()
    return written


@transaction.atomic
def walkin_match(*, participation: Participation, agent: Agent, acting_user) -> Participation:
    """Link a walk-in to the agent they turned out to be; an activation recorded for them now reaches adoption."""
    current = (
        Participation.objects.select_for_update(of=("self",)).select_related("activity__visit").get(pk=participation.pk)
    )
    if not current.is_walk_in:
        raise ValidationError("Cette personne figure déjà au référentiel.")
    if current.agent_id == agent.pk:
        return current
    if current.agent_id is not None:
        raise ValidationError("Cette personne a déjà été rattachée à un agent.")
    if Participation.objects.filter(activity=current.activity, agent=agent, deleted_at__isnull=True).exists():
        raise ValidationError(f"{agent.display_name} figure déjà sur la feuille de cette activité.")
    current.agent = agent
    current.direction_id = agent.direction_id
    current.category = agent.category
    current.matched_at = timezone.now()
    current.save()
    journal_record(
        acting_user=acting_user,
        action="fieldwork.walkin_match",
        obj=current,
        payload={"agent": agent.matricule, "repère": current.walk_in_label},
    )
    if current.mailbox_activated:
        _activation_apply(participation=current, acting_user=acting_user)
    participation.refresh_from_db()
    return current


@transaction.atomic
def participant_delete(*, participation: Participation, acting_user, idempotency_key=None) -> Written[Participation]:
    """Soft-delete a line of the sheet (added by mistake); journaled. An activation it recorded is withdrawn."""

    def write() -> Participation:
        current = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("activity__visit")
            .get(pk=participation.pk)
        )
        if current.deleted_at is not None:
            return current
        current.deleted_at = timezone.now()
        current.save(update_fields=["deleted_at", "updated_at"])
        journal_record(
            acting_user=acting_user,
            action="fieldwork.participant_delete",
            obj=current,
            payload={"agent": current.agent.matricule if current.agent_id else None},
        )
        if current.mailbox_activated:
            current.mailbox_activated = False  # in memory only: withdraws the session's observation
            _activation_apply(participation=current, acting_user=acting_user)
        return current

    return _once(
        idempotency_key, operation="participant_delete", acting_user=acting_user, model=Participation, write=write
    )
