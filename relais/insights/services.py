"""Writes of the insights area: campaign targets, created and edited by the coordination (journaled)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from relais.adoption.models import Tool
from relais.agents.enums import Category, Filiere, Statut
from relais.insights.models import Campaign
from relais.insights.permissions import can_manage_campaigns
from relais.organisation.enums import SiteKind

FIELDS = ("name", "purpose", "tool", "target_share", "deadline", "categories", "site_kinds", "statuts", "filieres")


def _validate(*, name: str, target_share: float, categories, site_kinds, statuts, filieres) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = "Donnez un nom à la campagne."
    if not 0 < target_share <= 1:
        errors["target_share"] = "L'objectif est une part comprise entre 1 % et 100 %."
    for field, values, allowed in (
        ("categories", categories, Category.values),
        ("site_kinds", site_kinds, SiteKind.values),
        ("statuts", statuts, Statut.values),
        ("filieres", filieres, Filiere.values),
    ):
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            errors[field] = f"Valeur inconnue : {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)


def _payload(campaign: Campaign) -> dict:
    return {
        "nom": campaign.name,
        "outil": campaign.tool.code,
        "objectif": campaign.target_share,
        "echeance": campaign.deadline.isoformat(),
        "directions": sorted(d.code for d in campaign.directions.all()),
        "categories": campaign.categories,
        "types_site": campaign.site_kinds,
        "statuts": campaign.statuts,
        "filieres": campaign.filieres,
    }


@transaction.atomic
def campaign_create(
    *,
    acting_user,
    name: str,
    tool: Tool,
    target_share: float,
    deadline: datetime.date,
    purpose: str = "",
    directions=(),
    categories=(),
    site_kinds=(),
    statuts=(),
    filieres=(),
) -> Campaign:
    """Create a campaign target; coordination only; filters checked against the vocabularies."""
    from relais.journal.services import journal_record

    if not can_manage_campaigns(acting_user):
        raise PermissionDenied
    _validate(
        name=name,
        target_share=target_share,
        categories=categories,
        site_kinds=site_kinds,
        statuts=statuts,
        filieres=filieres,
    )
    campaign = Campaign.objects.create(
        name=name.strip(),
        purpose=purpose.strip(),
        tool=tool,
        target_share=target_share,
        deadline=deadline,
        categories=sorted(categories),
        site_kinds=sorted(site_kinds),
        statuts=sorted(statuts),
        filieres=sorted(filieres),
        created_by=acting_user,
    )
    campaign.directions.set(directions)
    journal_record(acting_user=acting_user, action="insights.campaign_create", obj=campaign, payload=_payload(campaign))
    return campaign


@transaction.atomic
def campaign_update(*, acting_user, campaign: Campaign, directions=None, **changes) -> Campaign:
    """Change a campaign's name, target, deadline or population; the journal keeps the before and after."""
    from relais.journal.services import journal_record

    if not can_manage_campaigns(acting_user):
        raise PermissionDenied
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown campaign fields: {sorted(unknown)}")
    before = _payload(campaign)
    for field, value in changes.items():
        if field in ("categories", "site_kinds", "statuts", "filieres"):
            value = sorted(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(campaign, field, value)
    _validate(
        name=campaign.name,
        target_share=campaign.target_share,
        categories=campaign.categories,
        site_kinds=campaign.site_kinds,
        statuts=campaign.statuts,
        filieres=campaign.filieres,
    )
    campaign.save()
    if directions is not None:
        campaign.directions.set(directions)
    after = _payload(campaign)
    diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if diff:
        journal_record(acting_user=acting_user, action="insights.campaign_update", obj=campaign, payload=diff)
    return campaign
