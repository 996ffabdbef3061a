"""Activity lists (mine, the team's) with filters, and their CSV / XLSX exports: one row per participant."""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.core.exports import csv_bytes, xlsx_bytes
from relais.fieldwork import permissions, selectors
from relais.fieldwork.enums import ActivityKind
from relais.knowledge.models import Topic
from relais.organisation.models import Direction, Site


class FilterForm(forms.Form):
    start = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    mediator = forms.ModelChoiceField(label="Médiateur", queryset=User.objects.none(), required=False)
    direction = forms.ModelChoiceField(label="Direction", queryset=Direction.objects.none(), required=False)
    site = forms.ModelChoiceField(
        label="Site", queryset=Site.objects.none(), required=False, to_field_name="public_id", widget=forms.HiddenInput
    )
    topic = forms.ModelChoiceField(label="Thème", queryset=Topic.objects.all(), required=False)
    kind = forms.ChoiceField(label="Type", choices=[("", "Tous"), *ActivityKind.choices], required=False)
    outcome = forms.ChoiceField(
        label="Résultat",
        choices=[("", "Tous"), *((k, v[0]) for k, v in selectors.OUTCOME_FILTERS.items())],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = User.objects.filter(role=Role.MEDIATOR).order_by("last_name", "first_name")
        self.fields["direction"].queryset = Direction.objects.visible_to(user)
        self.fields["site"].queryset = Site.objects.all()

    def filters(self) -> selectors.ParticipationFilters:
        if not self.is_valid():
            return selectors.ParticipationFilters(start=timezone.localdate() - datetime.timedelta(days=30))
        d = self.cleaned_data
        return selectors.ParticipationFilters(
            start=d["start"],
            end=d["end"],
            mediator=d["mediator"].pk if d["mediator"] else None,
            direction=d["direction"].pk if d["direction"] else None,
            site=d["site"].pk if d["site"] else None,
            topic=d["topic"].pk if d["topic"] else None,
            kind=d["kind"] or None,
            outcome=d["outcome"] or None,
        )


def _filtered(request, *, mine: bool):
    form = FilterForm(request.GET or None, user=request.user)
    filters = form.filters() if form.is_bound else selectors.ParticipationFilters()
    return form, selectors.participations_for(user=request.user, filters=filters, mine=mine)


def _page(request, qs):
    return Paginator(qs.prefetch_related("apps_installed", "activity__topics"), 50).get_page(request.GET.get("page"))


@require_GET
def my_activities(request):
    if not permissions.can_record_fieldwork(request.user):
        raise PermissionDenied
    form, qs = _filtered(request, mine=True)
    return render(
        request,
        "fieldwork/activity_list.html",
        {
            "form": form,
            "page": _page(request, qs),
            "totals": selectors.totals(qs),
            "mine": True,
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def team_activities(request):
    if not permissions.can_view_team_activities(request.user):
        raise PermissionDenied
    form, qs = _filtered(request, mine=False)
    return render(
        request,
        "fieldwork/activity_list.html",
        {
            "form": form,
            "page": _page(request, qs),
            "totals": selectors.totals(qs),
            "mine": False,
            "query": request.GET.urlencode(),
        },
    )


EXPORT_HEADER = [
    "Date", "Site", "Direction du site", "Type de site", "Origine", "Médiateurs", "Activité", "Titre", "Niveau",
    "Durée (min)", "Matériel", "Thèmes", "Matricule", "Nom", "Prénom", "Hors référentiel", "Direction", "Catégorie",
    "Inscription", "Messagerie activée", "Mot de passe réinitialisé", "Applications installées", "Autonomie",
    "Suivi à prévoir", "Motif du suivi", "Suivi fait le", "Orienté vers",
]  # fmt: skip


def _yes(value: bool) -> str:
    return "oui" if value else "non"


def export_rows(qs):
    qs = qs.select_related("activity__visit__site__direction").prefetch_related(
        "apps_installed", "activity__topics", "activity__visit__mediators"
    )
    for p in qs.iterator(chunk_size=2000):
        activity, visit = p.activity, p.activity.visit
        agent = p.agent
        yield [
            visit.date.isoformat(),
            visit.site.name,
            visit.site.direction.code if visit.site.direction_id else "",
            visit.site.get_kind_display(),
            visit.get_origin_display(),
            ", ".join(m.get_full_name() or m.username for m in visit.mediators.all()),
            activity.get_kind_display(),
            activity.title,
            activity.get_level_display() if activity.level else "",
            activity.duration_minutes,
            activity.get_equipment_display(),
            ", ".join(t.name for t in activity.topics.all()),
            agent.matricule if agent else "",
            (agent.usage_name or agent.last_name) if agent else "",
            agent.first_name if agent else p.walk_in_label,
            _yes(p.is_walk_in),
            p.direction.code if p.direction_id else "",
            p.category,
            p.get_signed_in_by_display(),
            _yes(p.mailbox_activated),
            _yes(p.password_reset),
            ", ".join(t.name for t in p.apps_installed.all()),
            p.get_autonomy_display() if p.autonomy else "",
            _yes(p.followup_needed),
            p.followup_reason,
            p.followup_done_on.isoformat() if p.followup_done_on else "",
            p.get_redirected_to_display() if p.redirected_to else "",
        ]


@require_GET
def activities_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    if not permissions.can_export_activities(request.user):
        raise PermissionDenied
    mine = request.GET.get("scope") == "mine" or not permissions.can_view_team_activities(request.user)
    _, qs = _filtered(request, mine=mine)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if fmt == "xlsx":
        body = xlsx_bytes(EXPORT_HEADER, export_rows(qs), sheet="Activités")
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = csv_bytes(EXPORT_HEADER, export_rows(qs))
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="activites-terrain-{stamp}.{fmt}"'
    return response
