"""The assistance line's pages for the team: the queue, the call form, a ticket's page and its actions."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relais.helpdesk import permissions, selectors, services, sla
from relais.helpdesk.enums import TRANSITIONS, MessageKind, Status
from relais.helpdesk.forms import (
    ArticleLinkForm,
    AssignForm,
    CallForm,
    DuplicateForm,
    EscalateForm,
    NoteForm,
    PeriodForm,
    QueueFilterForm,
    ReplyForm,
    UpdateForm,
)
from relais.helpdesk.models import CannedReply, Ticket
from relais.helpdesk.statistics import helpdesk_statistics
from relais.journal.models import Entry
from relais.knowledge.selectors import suggested_articles

PAGE_SIZE = 50
HISTORY_LABELS = {
    "helpdesk.ticket_create": "Création",
    "helpdesk.ticket_assign": "Attribution",
    "helpdesk.ticket_set_status": "Changement de statut",
    "helpdesk.ticket_reply": "Réponse à l'agent",
    "helpdesk.ticket_add_note": "Note interne",
    "helpdesk.ticket_receive": "Message de l'agent",
    "helpdesk.ticket_update": "Thème ou priorité modifiés",
    "helpdesk.ticket_match_requester": "Rattachement à un agent",
    "helpdesk.ticket_escalate": "Transmis au support informatique",
    "helpdesk.ticket_link_article": "Guide lié",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _ticket(request, public_id) -> Ticket:
    try:
        return selectors.ticket_for_page(user=request.user, public_id=public_id)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def _back(ticket: Ticket, anchor: str = ""):
    return redirect(reverse("helpdesk:ticket_detail", args=[ticket.public_id]) + anchor)


@require_GET
def ticket_list(request):
    """The queue: nearest deadline first, breaches and warnings spelled out."""
    # Everyone signed in may open it: `visible_to` narrows it (HR correspondents see their directions').
    form = QueueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.QueueFilters(
        view=data.get("view") or "open",
        sla=data.get("sla") or "",
        category=data["category"].pk if data.get("category") else None,
        priority=data.get("priority") or "",
        channel=data.get("channel") or "",
        q=data.get("q") or "",
    )
    now = timezone.now()
    page = Paginator(selectors.ticket_queue(user=request.user, filters=filters, now=now), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(ticket, sla.state(ticket, now)) for ticket in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "can_create": permissions.can_create_ticket(request.user),
        "can_stats": permissions.can_view_statistics(request.user),
        "quarantined": selectors.mail_quarantined()
        if not request.htmx and permissions.can_create_ticket(request.user)
        else 0,
        "quarantine_folder": settings.RELAIS_IMAP_QUARANTINE_FOLDER,
    }
    template = "helpdesk/ticket_list.html#queue" if request.htmx else "helpdesk/ticket_list.html"
    return render(request, template, context)


def call_create(request):
    """Log a call or a walk-in: find the agent, pick the theme, write what they say, save (3 requests)."""
    _require(permissions.can_create_ticket(request.user))
    form = CallForm(request.POST or None, user=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        requester = data["requester"]
        try:
            created = services.ticket_create(
                acting_user=request.user,
                channel=data["channel"],
                subject=data["category"].name,
                description=data["description"],
                requester=requester,
                caller_name=data["caller_name"] if requester is None else "",
                caller_phone=data["caller_phone"],
                category=data["category"],
                priority=data["priority"],
                assigned_to=request.user if data["assign_to_me"] and not data["resolved"] else None,
                resolved_first_contact=data["resolved"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, f"Ticket n° {created.pk} enregistré.")
                return redirect("helpdesk:ticket_detail", created.public_id)
            form = CallForm(user=request.user)
    context = {"form": form, "created": created}
    template = "helpdesk/call_form.html#call" if request.htmx else "helpdesk/call_form.html"
    return render(request, template, context)


@require_GET
def agent_search(request):
    _require(permissions.can_create_ticket(request.user))
    agents = selectors.agent_search(user=request.user, q=request.GET.get("q", ""))
    return render(
        request,
        "helpdesk/call_form.html#agent_results",
        {"agents": agents, "q": request.GET.get("q", ""), "field": request.GET.get("field", "requester")},
    )


@require_GET
def ticket_detail(request, public_id):
    ticket = _ticket(request, public_id)
    user = request.user
    now = timezone.now()
    transitions = [Status(s) for s in Status if s in TRANSITIONS.get(ticket.status, ()) and s != Status.DUPLICATE]
    articles = list(ticket.articles.all())
    context = {
        "ticket": ticket,
        "state": sla.state(ticket, now),
        "thread": selectors.ticket_thread(user=user, ticket=ticket),
        "note_kind": MessageKind.NOTE,
        "reply_kind": MessageKind.REPLY,
        "can_reply": permissions.can_reply_ticket(user, ticket),
        "can_note": permissions.can_add_note(user, ticket),
        "can_assign": permissions.can_assign_ticket(user, ticket),
        "can_change": permissions.can_change_ticket(user, ticket),
        "transitions": [s for s in transitions if permissions.can_set_status(user, ticket, s)],
        "can_duplicate": permissions.can_set_status(user, ticket, Status.DUPLICATE),
        "reply_form": ReplyForm(),
        "note_form": NoteForm(),
        "assign_form": AssignForm(initial={"assignee": ticket.assigned_to}),
        "update_form": UpdateForm(initial={"category": ticket.category, "priority": ticket.priority}),
        "escalate_form": EscalateForm(initial={"it_reference": ticket.it_reference}),
        "duplicate_form": DuplicateForm(),
        "article_form": ArticleLinkForm(),
        "articles": articles,
        "suggested": suggested_articles(user=user, topic_id=ticket.category_id, exclude_ids=[a.pk for a in articles])
        if permissions.can_change_ticket(user, ticket)
        else [],
        "canned": list(CannedReply.objects.filter(is_active=True)),
        "history": [
            (entry, HISTORY_LABELS.get(entry.action, entry.action))
            for entry in Entry.objects.for_object(ticket).select_related("acting_user")[:50]
        ]
        if permissions.can_view_internal_notes(user, ticket)
        else [],
        "duplicates": list(ticket.duplicates.all()),
        "is_unknown_caller": ticket.requester_id is None,
    }
    return render(request, "helpdesk/ticket_detail.html", context)


def _handle(request, ticket, action, anchor=""):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(ticket, anchor)


@require_POST
def ticket_reply(request, public_id):
    ticket = _ticket(request, public_id)
    _require(permissions.can_reply_ticket(request.user, ticket))
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "La réponse est vide ou trop longue.")
        return _back(ticket, "#repondre")
    return _handle(
        request,
        ticket,
        lambda: services.ticket_reply(
            acting_user=request.user,
            ticket=ticket,
            body=form.cleaned_data["body"],
            next_status=form.cleaned_data["next_status"] or None,
        ),
        "#fil",
    )


@require_POST
def ticket_note(request, public_id):
    ticket = _ticket(request, public_id)
    _require(permissions.can_add_note(request.user, ticket))
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "La note est vide ou trop longue.")
        return _back(ticket)
    return _handle(
        request,
        ticket,
        lambda: services.ticket_add_note(acting_user=request.user, ticket=ticket, body=form.cleaned_data["body"]),
        "#fil",
    )


@require_POST
def ticket_status(request, public_id):
    ticket = _ticket(request, public_id)
    status = request.POST.get("status", "")
    if status not in Status.values:
        raise Http404
    _require(permissions.can_set_status(request.user, ticket, status))
    return _handle(
        request, ticket, lambda: services.ticket_set_status(acting_user=request.user, ticket=ticket, status=status)
    )


@require_POST
def ticket_duplicate(request, public_id):
    ticket = _ticket(request, public_id)
    _require(permissions.can_set_status(request.user, ticket, Status.DUPLICATE))
    form = DuplicateForm(request.POST)
    original = None
    if form.is_valid():
        original = Ticket.objects.visible_to(request.user).filter(pk=form.cleaned_data["original"]).first()
    if original is None:
        messages.error(request, "Ticket d'origine introuvable : vérifiez son numéro.")
        return _back(ticket)
    return _handle(
        request,
        ticket,
        lambda: services.ticket_set_status(
            acting_user=request.user, ticket=ticket, status=Status.DUPLICATE, duplicate_of=original
        ),
    )


@require_POST
def ticket_assign(request, public_id):
    ticket = _ticket(request, public_id)
    _require(permissions.can_assign_ticket(request.user, ticket))
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez une personne de l'équipe.")
        return _back(ticket)
    assignee = request.user if request.POST.get("me") else form.cleaned_data["assignee"]
    return _handle(
        request, ticket, lambda: services.ticket_assign(acting_user=request.user, ticket=ticket, assignee=assignee)
    )


@require_POST
def ticket_update(request, public_id):
    ticket = _ticket(request, public_id)
    _require(permissions.can_change_ticket(request.user, ticket))
    form = UpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Thème ou priorité invalide.")
        return _back(ticket)
    return _handle(
        request,
        ticket,
        lambda: services.ticket_update(
            acting_user=request.user,
            ticket=ticket,
            category=form.cleaned_data["category"],
            priority=form.cleaned_data["priority"],
        ),
    )


@require_POST
def ticket_escalate(request, public_id):
    ticket = _ticket(request, public_id)
    _require(permissions.can_change_ticket(request.user, ticket))
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez la référence du ticket ouvert auprès du support informatique.")
        return _back(ticket)
    return _handle(
        request,
        ticket,
        lambda: services.ticket_escalate(
            acting_user=request.user, ticket=ticket, it_reference=form.cleaned_data["it_reference"]
        ),
    )


@require_POST
def ticket_link_article(request, public_id):
    ticket = _ticket(request, public_id)
    _require(permissions.can_change_ticket(request.user, ticket))
    form = ArticleLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un guide publié.")
        return _back(ticket)
    return _handle(
        request,
        ticket,
        lambda: services.ticket_link_article(
            acting_user=request.user, ticket=ticket, article=form.cleaned_data["article"]
        ),
    )


@require_POST
def ticket_match(request, public_id):
    ticket = _ticket(request, public_id)
    _require(permissions.can_change_ticket(request.user, ticket))
    form = CallForm(request.POST, user=request.user)
    form.is_valid()
    agent = form.cleaned_data.get("requester")
    if agent is None:
        messages.error(request, "Choisissez l'agent dans la liste.")
        return _back(ticket)
    return _handle(
        request, ticket, lambda: services.ticket_match_requester(acting_user=request.user, ticket=ticket, agent=agent)
    )


@require_GET
def statistics(request):
    """Figures of the line over a period (last 30 days by default)."""
    _require(permissions.can_view_statistics(request.user))
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=29), today
    if form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    if end < start:
        start, end = end, start
    stats = helpdesk_statistics(user=request.user, start=start, end=end)
    form = PeriodForm(initial={"start": start, "end": end}) if not form.is_bound else form
    return render(request, "helpdesk/statistics.html", {"stats": stats, "form": form})
