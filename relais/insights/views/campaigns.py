"""Campaign targets: list, create, edit, and each campaign's progress, projection and what-if."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from relais.insights import charts
from relais.insights.campaigns import campaign_progress, progress_table
from relais.insights.forms import CampaignForm, WhatIfForm
from relais.insights.models import Campaign
from relais.insights.permissions import can_manage_campaigns
from relais.insights.services import campaign_create, campaign_update
from relais.insights.tables import format_cell
from relais.insights.views.common import Figure, nav, pct, require


def campaign_list(request):
    require(can_manage_campaigns(request.user))
    campaigns = Campaign.objects.visible_to(request.user).select_related("tool").prefetch_related("directions")
    rows = [(c, campaign_progress(user=request.user, campaign=c)) for c in campaigns]
    return render(request, "insights/campaign_list.html", {"rows": rows, "nav": nav(request.user)})


def _apply_errors(form, exc: ValidationError):
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def campaign_create_view(request):
    require(can_manage_campaigns(request.user))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaign_create(acting_user=request.user, **form.campaign_data())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Campagne « {campaign.name} » créée.")
            return redirect("insights:campaign_detail", public_id=campaign.public_id)
    return render(request, "insights/campaign_form.html", {"form": form, "campaign": None, "nav": nav(request.user)})


def campaign_update_view(request, public_id):
    require(can_manage_campaigns(request.user))
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), public_id=public_id)
    form = CampaignForm(request.POST or None, instance=campaign, initial={"directions": campaign.directions.all()})
    if request.method == "POST" and form.is_valid():
        data = form.campaign_data()
        directions = data.pop("directions")
        try:
            campaign_update(acting_user=request.user, campaign=campaign, directions=directions, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Campagne modifiée.")
            return redirect("insights:campaign_detail", public_id=campaign.public_id)
    return render(
        request, "insights/campaign_form.html", {"form": form, "campaign": campaign, "nav": nav(request.user)}
    )


def campaign_detail(request, public_id):
    require(can_manage_campaigns(request.user))
    campaign = get_object_or_404(
        Campaign.objects.visible_to(request.user).select_related("tool").prefetch_related("directions"),
        public_id=public_id,
    )
    progress = campaign_progress(user=request.user, campaign=campaign)
    what_if = WhatIfForm(request.GET or None)
    mediators = progress.mediators_now or 1
    if what_if.is_bound and what_if.is_valid() and what_if.cleaned_data.get("mediateurs"):
        mediators = what_if.cleaned_data["mediateurs"]
    table = progress_table(progress)
    series = [
        {
            "name": "Part des agents avec compte activé",
            "points": [(i, row[3], None, None) if row[3] is not None else None for i, row in enumerate(table.rows)],
        },
        {"name": "Objectif", "points": [(i, campaign.target_share, None, None) for i in range(len(table.rows))]},
    ]
    figure = Figure(
        id="progression",
        title="Progression semaine par semaine",
        summary=(
            f"{pct(progress.share)} des agents ont un compte activé pour un objectif de "
            f"{pct(campaign.target_share)} au {campaign.deadline:%d/%m/%Y} ; il en manque {progress.missing}."
        ),
        svg=charts.line_chart(
            series,
            [format_cell(row[0], "date")[:5] for row in table.rows],
            chart_id="progression-chart",
            labelled_by="progression-chart-summary",
        ),
        table=table,
    )
    context = {
        "campaign": campaign,
        "progress": progress,
        "figures": [figure],
        "what_if": what_if,
        "mediators": mediators,
        "date_with": progress.date_with(mediators),
        "needed": progress.mediators_needed(),
        "nav": nav(request.user),
        "tables": {"campaign-weekly": table},
        "query": "",
    }
    return render(request, "insights/campaign_detail.html", context)
