"""What the API shows and accepts. Only fields the pages show their readers; never NIR nor bank details."""

import datetime
import re
import uuid
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from relais.adoption.enums import AdoptionStatus, Source
from relais.agents.enums import Category
from relais.core.identifiers import find_identifiers, identifiers_named
from relais.helpdesk.enums import Channel, Priority

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# The sources an outside system may push under (the demo's is the demo's own).
PushSource = Literal[tuple(s for s in Source.values if s != Source.DEMO)]


class Strict(Schema):
    """Every body the API accepts: unknown fields refused, and no text holding a NIR or an IBAN (issue 16 §2d)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_identifiers(cls, value):
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and _UNSTORABLE.search(text):
                # JSON may carry a NUL or a lone surrogate (\u0000, \ud800): PostgreSQL's text refuses both.
                raise ValueError("ce texte contient un caractère nul ou mal codé : retirez-le")
            if isinstance(text, str) and (kinds := {found.kind for found in find_identifiers(text)}):
                what = identifiers_named(kinds)
                raise ValueError(f"ce texte contient {what}, que Relais ne conserve pas")
        return value


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str = Field(description="Code stable de l'erreur : invalid, unauthenticated, forbidden, not_found…")
    message: str = Field(description="Message en français, nommant le champ en cause.")
    errors: list[ErrorItem] = []


class Page(Schema):
    next_cursor: str | None = Field(
        description="À renvoyer dans `cursor` pour la page suivante ; null à la dernière page."
    )


# --- Referential -------------------------------------------------------------------------------------------------


class ToolOut(Schema):
    code: str
    name: str
    description: str
    is_active: bool
    modified: datetime.datetime


class ToolPage(Page):
    items: list[ToolOut]


class AgentToolOut(Schema):
    tool: str = Field(description="Code de l'outil (par exemple « messagerie »).")
    login: str
    status: AdoptionStatus = Field(description="Échelon d'adoption aujourd'hui.")
    provisioned_on: datetime.date | None
    activated_on: datetime.date | None
    last_activity_on: datetime.date | None
    disabled_on: datetime.date | None


class PlaceOut(Schema):
    id: uuid.UUID
    name: str


class AgentOut(Schema):
    id: uuid.UUID
    matricule: str
    last_name: str
    usage_name: str
    first_name: str
    category: str
    filiere: str
    statut: str
    grade: str
    job_title: str
    direction: str = Field(description="Code de la direction (par exemple « DPE »).")
    service: PlaceOut | None
    site: PlaceOut | None
    work_email: str
    work_phone: str
    entry_date: datetime.date | None
    exit_date: datetime.date | None
    tools: list[AgentToolOut]
    created: datetime.datetime
    modified: datetime.datetime


class AgentPage(Page):
    items: list[AgentOut]


# --- Adoption ----------------------------------------------------------------------------------------------------


class ObservationOut(Schema):
    id: int
    matricule: str
    tool: str
    source: str
    as_of: datetime.date
    provisioned_on: datetime.date | None
    first_sign_in_on: datetime.date | None
    last_activity_on: datetime.date | None
    is_disabled: bool
    reference: str
    recorded: datetime.datetime


class ObservationPage(Page):
    items: list[ObservationOut]


class ObservationIn(Strict):
    matricule: str = Field(min_length=1, max_length=32)
    tool: str = Field(default="messagerie", min_length=1, max_length=32, description="Code de l'outil.")
    source: PushSource = "generic"  # type: ignore[valid-type]
    as_of: datetime.date = Field(description="Date de situation de la source (AAAA-MM-JJ).")
    login: str = Field(default="", max_length=254)
    provisioned_on: datetime.date | None = None
    first_sign_in_on: datetime.date | None = Field(default=None, description="Première connexion (activation).")
    last_activity_on: datetime.date | None = None
    is_disabled: bool = False
    reference: str = Field(default="", max_length=64)


class ObservationBatchIn(Strict):
    items: list[ObservationIn] = Field(min_length=1, max_length=1000, description="De 1 à 1 000 observations.")


class ObservationBatchOut(Schema):
    received: int
    recorded: int = Field(description="Observations nouvelles (une même source, un même jour : une seule fois).")
    accounts_created: int


# --- Field work --------------------------------------------------------------------------------------------------


class VisitSiteOut(Schema):
    id: uuid.UUID
    name: str
    direction: str | None


class VisitOut(Schema):
    id: uuid.UUID
    site: VisitSiteOut
    date: datetime.date
    starts_at: datetime.time | None
    ends_at: datetime.time | None
    status: str
    origin: str
    started_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    created: datetime.datetime
    modified: datetime.datetime


class VisitPage(Page):
    items: list[VisitOut]


class ActivityOut(Schema):
    id: uuid.UUID
    visit: uuid.UUID
    kind: str
    title: str
    level: str
    duration_minutes: int
    equipment: str
    topics: list[str]
    participants: int = Field(description="Participants enregistrés (agents du référentiel et hors référentiel).")
    created: datetime.datetime
    modified: datetime.datetime


class ActivityPage(Page):
    items: list[ActivityOut]


# --- Statistics --------------------------------------------------------------------------------------------------


class ColumnOut(Schema):
    label: str
    kind: str


class TableOut(Schema):
    key: str
    caption: str
    columns: list[ColumnOut]
    rows: list[list[str | int | float | None]] = Field(
        description="Une ligne par groupe ; une valeur masquée (petit groupe) vaut « < 5 » (texte)."
    )
    hidden_rows: int
    threshold: int


class StatisticsOut(Schema):
    tool: str
    day: datetime.date
    small_groups_hidden: bool
    threshold: int
    tables: list[TableOut]


# --- Interventions -----------------------------------------------------------------------------------------------


class InterventionOut(Schema):
    id: uuid.UUID
    direction: str
    title: str
    goal: str
    status: str
    topics: list[str]
    categories: list[str]
    population_note: str
    desired_start: datetime.date | None
    desired_end: datetime.date | None
    scheduled_for: datetime.date | None
    done_on: datetime.date | None
    created: datetime.datetime
    modified: datetime.datetime


class InterventionPage(Page):
    items: list[InterventionOut]


class InterventionIn(Strict):
    direction: str = Field(min_length=1, max_length=16, description="Code de la direction demandeuse.")
    title: str = Field(min_length=1, max_length=160)
    goal: str = Field(min_length=1, max_length=5000)
    topics: list[str] = Field(default=[], max_length=50, description="Codes des thèmes.")
    sites: list[uuid.UUID] = Field(default=[], max_length=200)
    services: list[uuid.UUID] = Field(default=[], max_length=200)
    categories: list[Category] = Field(default=[], max_length=3)
    matricules: list[str] = Field(default=[], max_length=500, description="Agents visés, par matricule.")
    population_note: str = Field(default="", max_length=2000)
    desired_start: datetime.date | None = None
    desired_end: datetime.date | None = None
    constraints: str = Field(default="", max_length=2000)


# --- Tickets -----------------------------------------------------------------------------------------------------


class TicketOut(Schema):
    id: uuid.UUID
    reference: int = Field(description="Numéro cité à l'agent (« [Relais #123] »).")
    subject: str
    status: str
    priority: str
    channel: str
    direction: str | None
    requester: str | None = Field(description="Matricule de l'agent demandeur, s'il est connu.")
    category: str | None
    first_response_due_at: datetime.datetime | None
    resolution_due_at: datetime.datetime | None
    resolved_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    created: datetime.datetime
    modified: datetime.datetime


class TicketPage(Page):
    items: list[TicketOut]


class TicketIn(Strict):
    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10000)
    channel: Channel = Channel.WEB
    priority: Priority = Priority.NORMAL
    matricule: str | None = Field(default=None, max_length=32, description="Agent demandeur (matricule).")
    caller_name: str = Field(default="", max_length=150)
    caller_phone: str = Field(default="", max_length=32)
    caller_email: str = Field(default="", max_length=254)
    category: str | None = Field(default=None, max_length=48, description="Code du thème.")
