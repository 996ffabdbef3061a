"""The operations of API v1. Rows come only through each area's `visible_to`, permissions through its predicates."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import Count, F, Prefetch
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from relais.accounts.permissions import can_list_agents
from relais.adoption.models import Observation, Tool, ToolAccount
from relais.agents.models import Agent
from relais.api import services
from relais.api.enums import Scope
from relais.api.errors import ApiError, field_error
from relais.api.idempotency import run_idempotent
from relais.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, paginate
from relais.api.permissions import can_push_adoption
from relais.api.schemas import (
    ActivityPage,
    AgentOut,
    AgentPage,
    ErrorOut,
    InterventionIn,
    InterventionOut,
    InterventionPage,
    ObservationBatchIn,
    ObservationBatchOut,
    ObservationPage,
    StatisticsOut,
    TicketIn,
    TicketOut,
    TicketPage,
    ToolPage,
    VisitPage,
)
from relais.fieldwork.models import Activity, Visit
from relais.helpdesk.models import Ticket
from relais.helpdesk.permissions import can_create_ticket
from relais.helpdesk.services import ticket_create
from relais.insights.permissions import can_view_dashboards, sees_full_detail
from relais.interventions.models import InterventionRequest
from relais.interventions.permissions import can_request_intervention
from relais.interventions.services import intervention_submit
from relais.knowledge.models import Topic
from relais.organisation.models import Direction, Service, Site

router = Router()
# The error statuses the API answers with, each documented with the one error shape.
ERRORS = {frozenset({400, 401, 403, 404, 409, 422, 429}): ErrorOut}


class PageParams(Schema):
    cursor: str | None = Field(default=None, max_length=200, description="Le next_cursor de la page précédente.")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"De 1 à {MAX_LIMIT} (défaut 100).")
    modified_since: datetime.datetime | None = Field(
        default=None, description="Seulement les lignes modifiées depuis (ISO 8601 avec fuseau)."
    )


def _require(request, scope: Scope, allowed: bool = True) -> None:
    if not request.api_token.has_scope(scope):
        raise ApiError(403, "missing_scope", f"Ce jeton n'a pas le droit « {scope} ».")
    if not allowed:
        raise PermissionDenied


def _page(rows, cursor, render) -> dict:
    return {"items": [render(r) for r in rows], "next_cursor": cursor}


# --- Tools -------------------------------------------------------------------------------------------------------


@router.get(
    "/tools",
    response={200: ToolPage, **ERRORS},
    tags=["Outils"],
    description="Droit requis : `tools:read`.",
    summary="Outils numériques suivis",
)
def tools_list(request, params: Query[PageParams]):
    _require(request, Scope.TOOLS_READ)
    rows, cursor = paginate(Tool.objects.all(), **params.dict())
    return _page(
        rows,
        cursor,
        lambda t: {
            "code": t.code,
            "name": t.name,
            "description": t.description,
            "is_active": t.is_active,
            "modified": t.updated_at,
        },
    )


# --- Agents ------------------------------------------------------------------------------------------------------


class AgentFilters(PageParams):
    direction: str | None = Field(default=None, max_length=16, description="Code d'une direction.")
    matricule: str | None = Field(default=None, max_length=32)


def _agents_qs(user):
    accounts = ToolAccount.objects.select_related("tool").order_by("tool__position", "tool__name")
    return (
        Agent.objects.visible_to(user)
        .select_related("direction", "service", "site")
        .prefetch_related(Prefetch("tool_accounts", queryset=accounts))
    )


def _agent(agent: Agent, today: datetime.date) -> dict:
    return {
        "id": agent.public_id,
        "matricule": agent.matricule,
        "last_name": agent.last_name,
        "usage_name": agent.usage_name,
        "first_name": agent.first_name,
        "category": agent.category,
        "filiere": agent.filiere,
        "statut": agent.statut,
        "grade": agent.grade,
        "job_title": agent.job_title,
        "direction": agent.direction.code,
        "service": {"id": agent.service.public_id, "name": agent.service.name} if agent.service_id else None,
        "site": {"id": agent.site.public_id, "name": agent.site.name} if agent.site_id else None,
        "work_email": agent.work_email,
        "work_phone": agent.work_phone,
        "entry_date": agent.entry_date,
        "exit_date": agent.exit_date,
        "tools": [
            {
                "tool": a.tool.code,
                "login": a.login,
                "status": a.status_on(today),
                "provisioned_on": a.provisioned_on,
                "activated_on": a.activated_on,
                "last_activity_on": a.last_activity_on,
                "disabled_on": a.disabled_on,
            }
            for a in agent.tool_accounts.all()
        ],
        "created": agent.created_at,
        "modified": agent.updated_at,
    }


@router.get(
    "/agents",
    response={200: AgentPage, **ERRORS},
    tags=["Agents"],
    description="Droit requis : `agents:read`.",
    summary="Agents visibles du jeton",
)
def agents_list(request, filters: Query[AgentFilters]):
    _require(request, Scope.AGENTS_READ, can_list_agents(request.user))
    qs = _agents_qs(request.user)
    if filters.direction:
        qs = qs.filter(direction__code=filters.direction)
    if filters.matricule:
        qs = qs.filter(matricule=filters.matricule)
    page = filters.dict(include={"cursor", "limit", "modified_since"})
    rows, cursor = paginate(qs, **page)
    today = timezone.localdate()
    return _page(rows, cursor, lambda a: _agent(a, today))


@router.get(
    "/agents/{agent_id}",
    response={200: AgentOut, **ERRORS},
    tags=["Agents"],
    description="Droit requis : `agents:read`.",
    summary="Un agent",
)
def agents_detail(request, agent_id: uuid.UUID):
    _require(request, Scope.AGENTS_READ, can_list_agents(request.user))
    agent = _agents_qs(request.user).filter(public_id=agent_id).first()
    if agent is None:
        raise ApiError(404, "not_found", "Agent introuvable, ou hors de votre périmètre.")
    return _agent(agent, timezone.localdate())


# --- Adoption ----------------------------------------------------------------------------------------------------


@router.get(
    "/adoption/observations",
    response={200: ObservationPage, **ERRORS},
    tags=["Adoption"],
    description="Droit requis : `adoption:read`.",
    summary="Historique des observations d'adoption",
)
def observations_list(request, params: Query[PageParams]):
    _require(request, Scope.ADOPTION_READ, can_list_agents(request.user))
    qs = Observation.objects.filter(account__in=ToolAccount.objects.visible_to(request.user).values("pk")).annotate(
        matricule=F("account__agent__matricule"), tool_code=F("account__tool__code")
    )
    rows, cursor = paginate(qs, **params.dict(), field="recorded_at")
    return _page(
        rows,
        cursor,
        lambda o: {
            "id": o.pk,
            "matricule": o.matricule,
            "tool": o.tool_code,
            "source": o.source,
            "as_of": o.as_of,
            "provisioned_on": o.provisioned_on,
            "first_sign_in_on": o.first_sign_in_on,
            "last_activity_on": o.last_activity_on,
            "is_disabled": o.is_disabled,
            "reference": o.reference,
            "recorded": o.recorded_at,
        },
    )


@router.post(
    "/adoption/observations",
    response={200: ObservationBatchOut, **ERRORS},
    tags=["Adoption"],
    description="Droit requis : `adoption:write`.",
    summary="Envoyer des observations (activations de messagerie…), par lots de 1 000 au plus",
)
def observations_push(request, payload: ObservationBatchIn):
    token = request.api_token
    _require(request, Scope.ADOPTION_WRITE, can_push_adoption(token))
    user = request.user

    def write():
        matricules = sorted({i.matricule for i in payload.items})
        agents = {
            a.matricule: a
            for a in Agent.objects.visible_to(user)
            .filter(matricule__in=matricules)
            .only("pk", "matricule", "first_name", "last_name", "usage_name")
        }
        tools = {t.code: t for t in Tool.objects.all()}
        errors, items = [], []
        for n, item in enumerate(payload.items):
            agent, tool = agents.get(item.matricule), tools.get(item.tool)
            if agent is None:
                errors.append(
                    {
                        "field": f"items.{n}.matricule",
                        "message": f"ligne {n + 1} : agent « {item.matricule} » inconnu ou hors de votre périmètre",
                    }
                )
            if tool is None:
                errors.append({"field": f"items.{n}.tool", "message": f"ligne {n + 1} : outil « {item.tool} » inconnu"})
            if agent is None or tool is None:
                continue
            items.append(
                services.ObservationIn(
                    agent_id=agent.pk,
                    agent_text=str(agent),
                    tool_id=tool.pk,
                    tool_code=tool.code,
                    **item.dict(exclude={"matricule", "tool"}),
                )
            )
        if errors:
            raise ApiError(
                422,
                "invalid",
                f"Champ « {errors[0]['field']} » : {errors[0]['message']}"
                + (f" (et {len(errors) - 1} autre(s) erreur(s))" if len(errors) > 1 else "")
                + ". Rien n'a été enregistré.",
                errors=errors,
            )
        result = services.observations_push(acting_user=user, items=items, via=f"api:{token.prefix}")
        return 200, result

    return Status(*run_idempotent(request, "POST /adoption/observations", write))


# --- Field work --------------------------------------------------------------------------------------------------


@router.get(
    "/visits",
    response={200: VisitPage, **ERRORS},
    tags=["Terrain"],
    description="Droit requis : `visits:read`.",
    summary="Déplacements sur site",
)
def visits_list(request, params: Query[PageParams]):
    _require(request, Scope.VISITS_READ)
    qs = Visit.objects.visible_to(request.user).select_related("site__direction")
    rows, cursor = paginate(qs, **params.dict())
    return _page(
        rows,
        cursor,
        lambda v: {
            "id": v.public_id,
            "site": {
                "id": v.site.public_id,
                "name": v.site.name,
                "direction": v.site.direction.code if v.site.direction_id else None,
            },
            "date": v.date,
            "starts_at": v.starts_at,
            "ends_at": v.ends_at,
            "status": v.status,
            "origin": v.origin,
            "started_at": v.started_at,
            "closed_at": v.closed_at,
            "created": v.created_at,
            "modified": v.updated_at,
        },
    )


@router.get(
    "/activities",
    response={200: ActivityPage, **ERRORS},
    tags=["Terrain"],
    description="Droit requis : `visits:read`.",
    summary="Activités",
)
def activities_list(request, params: Query[PageParams]):
    _require(request, Scope.VISITS_READ)
    qs = (
        Activity.objects.visible_to(request.user)
        .select_related("visit")
        .prefetch_related("topics")
        .annotate(participants_count=Count("participations", distinct=True))
    )
    rows, cursor = paginate(qs, **params.dict())
    return _page(
        rows,
        cursor,
        lambda a: {
            "id": a.public_id,
            "visit": a.visit.public_id,
            "kind": a.kind,
            "title": a.title,
            "level": a.level,
            "duration_minutes": a.duration_minutes,
            "equipment": a.equipment,
            "topics": [t.code for t in a.topics.all()],
            "participants": a.participants_count,
            "created": a.created_at,
            "modified": a.updated_at,
        },
    )


# --- Statistics --------------------------------------------------------------------------------------------------


class StatisticsParams(Schema):
    tool: str = Field(default="messagerie", max_length=32, description="Code de l'outil.")
    day: datetime.date | None = Field(default=None, description="Jour des chiffres (aujourd'hui par défaut).")


def _cell(value):
    from relais.insights.tables import Hidden

    if isinstance(value, Hidden):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, tuple | list):  # an interval: shown as its text
        return " – ".join(str(v) for v in value)
    return str(value)


@router.get(
    "/statistics/adoption",
    response={200: StatisticsOut, **ERRORS},
    tags=["Statistiques"],
    description="Droit requis : `statistics:read`.",
    summary="Les chiffres du tableau de bord d'adoption (petits groupes masqués comme sur la page)",
)
def statistics_adoption(request, params: Query[StatisticsParams]):
    from relais.insights.adoption import adoption_dashboard, adoption_tables
    from relais.insights.views.common import shared

    user = request.user
    _require(request, Scope.STATISTICS_READ, can_view_dashboards(user))
    tool = Tool.objects.filter(code=params.tool).first()
    if tool is None:
        raise field_error("tool", f"outil « {params.tool} » inconnu")
    day = params.day or timezone.localdate()
    if day > timezone.localdate():
        raise field_error("day", "pas de chiffres pour un jour à venir")
    if day.year < 2000:
        raise field_error("day", "pas de chiffres avant l'an 2000")
    dashboard = adoption_dashboard(user=user, tool=tool, day=day)
    tables = shared(user, adoption_tables(dashboard))
    return {
        "tool": tool.code,
        "day": day,
        "small_groups_hidden": not sees_full_detail(user),
        "threshold": settings.RELAIS_SMALL_GROUP_THRESHOLD,
        "tables": [
            {
                "key": t.key,
                "caption": t.caption,
                "columns": [{"label": c.label, "kind": c.kind} for c in t.columns],
                "rows": [[_cell(v) for v in row] for row in t.rows],
                "hidden_rows": t.hidden_rows,
                "threshold": t.threshold,
            }
            for t in tables.values()
        ],
    }


# --- Interventions -----------------------------------------------------------------------------------------------


def _intervention(r: InterventionRequest) -> dict:
    return {
        "id": r.public_id,
        "direction": r.direction.code,
        "title": r.title,
        "goal": r.goal,
        "status": r.status,
        "topics": [t.code for t in r.topics.all()],
        "categories": list(r.categories),
        "population_note": r.population_note,
        "desired_start": r.desired_start,
        "desired_end": r.desired_end,
        "scheduled_for": r.scheduled_for,
        "done_on": r.done_on,
        "created": r.created_at,
        "modified": r.updated_at,
    }


def _interventions_qs(user):
    return InterventionRequest.objects.visible_to(user).select_related("direction").prefetch_related("topics")


@router.get(
    "/interventions",
    response={200: InterventionPage, **ERRORS},
    tags=["Interventions"],
    description="Droit requis : `interventions:read`.",
    summary="Demandes d'intervention",
)
def interventions_list(request, params: Query[PageParams]):
    _require(request, Scope.INTERVENTIONS_READ)
    rows, cursor = paginate(_interventions_qs(request.user), **params.dict())
    return _page(rows, cursor, _intervention)


@router.get(
    "/interventions/{request_id}",
    response={200: InterventionOut, **ERRORS},
    tags=["Interventions"],
    description="Droit requis : `interventions:read`.",
    summary="Une demande d'intervention",
)
def interventions_detail(request, request_id: uuid.UUID):
    _require(request, Scope.INTERVENTIONS_READ)
    found = _interventions_qs(request.user).filter(public_id=request_id).first()
    if found is None:
        raise ApiError(404, "not_found", "Demande introuvable, ou hors de votre périmètre.")
    return _intervention(found)


def _by_public_id(qs, ids, field: str, label: str):
    rows = {r.public_id: r for r in qs.filter(public_id__in=ids)}
    for n, value in enumerate(ids):
        if value not in rows:
            raise field_error(f"{field}.{n}", f"{label} « {value} » inconnu ou hors de votre périmètre")
    return [rows[v] for v in ids]


@router.post(
    "/interventions",
    response={201: InterventionOut, **ERRORS},
    tags=["Interventions"],
    description="Droit requis : `interventions:write`.",
    summary="Déposer une demande d'intervention pour une direction",
)
def interventions_create(request, payload: InterventionIn):
    user = request.user
    _require(request, Scope.INTERVENTIONS_WRITE, can_request_intervention(user))

    def write():
        direction = Direction.objects.visible_to(user).filter(code=payload.direction).first()
        if direction is None:
            raise field_error("direction", f"direction « {payload.direction} » inconnue ou hors de votre périmètre")
        topics = list(Topic.objects.filter(code__in=payload.topics))
        missing = sorted(set(payload.topics) - {t.code for t in topics})
        if missing:
            raise field_error("topics", f"thème(s) inconnu(s) : {', '.join(missing)}")
        sites = _by_public_id(Site.objects.visible_to(user), payload.sites, "sites", "site")
        services_ = _by_public_id(Service.objects.visible_to(user), payload.services, "services", "service")
        agents = {a.matricule: a for a in Agent.objects.visible_to(user).filter(matricule__in=payload.matricules)}
        for n, matricule in enumerate(payload.matricules):
            if matricule not in agents:
                raise field_error(f"matricules.{n}", f"agent « {matricule} » inconnu ou hors de votre périmètre")
        created = intervention_submit(
            acting_user=user,
            direction=direction,
            title=payload.title,
            goal=payload.goal,
            topics=topics,
            sites=sites,
            services=services_,
            categories=[str(c) for c in payload.categories],
            agents=list(agents.values()),
            population_note=payload.population_note,
            desired_start=payload.desired_start,
            desired_end=payload.desired_end,
            constraints=payload.constraints,
        )
        return 201, _json(InterventionOut, _intervention(_interventions_qs(user).get(pk=created.pk)))

    return Status(*run_idempotent(request, "POST /interventions", write))


def _json(schema, data: dict) -> dict:
    """The reply as JSON values, so that the stored idempotent copy is replayed identically."""
    return schema.model_validate(data).model_dump(mode="json")


# --- Tickets -----------------------------------------------------------------------------------------------------


def _ticket(t: Ticket) -> dict:
    return {
        "id": t.public_id,
        "reference": t.pk,
        "subject": t.subject,
        "status": t.status,
        "priority": t.priority,
        "channel": t.channel,
        "direction": t.direction.code if t.direction_id else None,
        "requester": t.requester.matricule if t.requester_id else None,
        "category": t.category.code if t.category_id else None,
        "first_response_due_at": t.first_response_due_at,
        "resolution_due_at": t.resolution_due_at,
        "resolved_at": t.resolved_at,
        "closed_at": t.closed_at,
        "created": t.created_at,
        "modified": t.updated_at,
    }


def _tickets_qs(user):
    return Ticket.objects.visible_to(user).select_related("direction", "requester", "category")


@router.get(
    "/tickets",
    response={200: TicketPage, **ERRORS},
    tags=["Assistance"],
    description="Droit requis : `tickets:read`.",
    summary="Tickets d'assistance",
)
def tickets_list(request, params: Query[PageParams]):
    _require(request, Scope.TICKETS_READ)
    rows, cursor = paginate(_tickets_qs(request.user), **params.dict())
    return _page(rows, cursor, _ticket)


@router.get(
    "/tickets/{ticket_id}",
    response={200: TicketOut, **ERRORS},
    tags=["Assistance"],
    description="Droit requis : `tickets:read`.",
    summary="Un ticket",
)
def tickets_detail(request, ticket_id: uuid.UUID):
    _require(request, Scope.TICKETS_READ)
    found = _tickets_qs(request.user).filter(public_id=ticket_id).first()
    if found is None:
        raise ApiError(404, "not_found", "Ticket introuvable, ou hors de votre périmètre.")
    return _ticket(found)


@router.post(
    "/tickets",
    response={201: TicketOut, **ERRORS},
    tags=["Assistance"],
    description="Droit requis : `tickets:write`.",
    summary="Ouvrir un ticket",
)
def tickets_create(request, payload: TicketIn):
    user = request.user
    _require(request, Scope.TICKETS_WRITE, can_create_ticket(user))

    def write():
        requester = None
        if payload.matricule:
            requester = Agent.objects.visible_to(user).filter(matricule=payload.matricule).first()
            if requester is None:
                raise field_error("matricule", f"agent « {payload.matricule} » inconnu ou hors de votre périmètre")
        category = None
        if payload.category:
            category = Topic.objects.filter(code=payload.category).first()
            if category is None:
                raise field_error("category", f"thème « {payload.category} » inconnu")
        if payload.caller_email:
            try:
                validate_email(payload.caller_email)
            except DjangoValidationError:
                raise field_error("caller_email", "adresse de courriel invalide") from None
        if requester is None and not (payload.caller_name or payload.caller_phone or payload.caller_email):
            raise field_error("matricule", "indiquez l'agent, ou au moins caller_name, caller_phone ou caller_email")
        created = ticket_create(
            acting_user=user,
            channel=payload.channel,
            subject=payload.subject,
            description=payload.description,
            requester=requester,
            caller_name=payload.caller_name,
            caller_phone=payload.caller_phone,
            caller_email=payload.caller_email,
            category=category,
            priority=payload.priority,
        )
        return 201, _json(TicketOut, _ticket(_tickets_qs(user).get(pk=created.pk)))

    return Status(*run_idempotent(request, "POST /tickets", write))
