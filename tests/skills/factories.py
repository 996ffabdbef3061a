"""Pix results built directly, for the profile tests."""

import datetime
import itertools

from relais.skills.enums import CampaignKind
from relais.skills.models import Competence, PixCampaign, PixCompetenceResult, PixParticipation

_ids = itertools.count(900)


def pix_result(agent, *, levels=None, mastery=None, shared_at=None, campaign=None, shared=True) -> PixParticipation:
    """A shared participation of `agent` with a level ({code: 0..8}) or a mastery rate ({code: 0..1}) per competence."""
    kind = CampaignKind.ASSESSMENT if mastery else CampaignKind.PROFILES
    campaign = campaign or PixCampaign.objects.create(pix_id=next(_ids), name="Campagne", kind=kind)
    shared_at = shared_at or datetime.datetime(2026, 1, 20, 9, 0, tzinfo=datetime.UTC)
    participation = PixParticipation.objects.create(
        campaign=campaign,
        agent=agent,
        match_method="external_id" if agent else "",
        external_id=agent.matricule if agent else "",
        person_key=agent.matricule if agent else f"nom:{next(_ids)}",
        sending_key=shared_at.isoformat() if shared else "",
        is_shared=shared,
        shared_at=shared_at if shared else None,
    )
    codes = dict(Competence.objects.values_list("code", "pk"))
    for code, value in (levels or mastery or {}).items():
        PixCompetenceResult.objects.create(
            participation=participation,
            competence_id=codes[code],
            level=value if levels else None,
            mastery=value if mastery else None,
        )
    return participation
