"""The demo's Pix results: a profile collection and an assessment campaign, so the skills page shows profiles.

Called by `manage.py demo_data` (see `relais.demo.context`); bulk inserts only, one journal entry. About 4 % of
the agents in post at a site took part: agents who use no computer at work reach lower levels. A tenth of
them sent their profile twice (history), some never shared, a few typed an external id nobody has.
"""

import datetime

from django.db import connection
from django.utils import timezone

from relais.agents.models import Agent
from relais.demo import bulk
from relais.demo.services import journal_demo_load
from relais.skills.crcn import COMPETENCES
from relais.skills.enums import CampaignKind, MatchMethod
from relais.skills.models import Competence, PixCampaign, PixCompetenceResult, PixParticipation

SHARE = 0.04
PARTICIPATION_FIELDS = [
    "id", "public_id", "created_at", "updated_at", "campaign", "agent", "match_method", "external_id", "last_name",
    "first_name", "person_key", "sending_key", "is_shared", "shared_at", "pix_total", "is_certifiable",
    "certifiable_competences", "mastery", "domain_mastery", "import_reference",
]  # fmt: skip
RESULT_FIELDS = ["participation", "competence", "level", "pix", "mastery"]
ASSESSED = ("2.1", "4.1", "4.2", "5.1", "5.2")  # the assessment's target profile: mailbox and badge app


def _level(rng, uses_computer) -> int:
    base = 2.6 if uses_computer else 1.1
    return max(0, min(8, round(rng.gauss(base, 1.2))))


def build(ctx) -> None:
    from relais.fieldwork.demo import _uuid

    rng = ctx.rng
    agents = list(
        Agent.objects.in_post(ctx.as_of)
        .filter(site__isnull=False)
        .order_by("pk")
        .values_list("pk", "matricule", "last_name", "first_name", "uses_computer")
    )
    if not agents:
        return
    chosen = rng.sample(agents, max(1, int(len(agents) * SHARE)))
    competences = dict(Competence.objects.values_list("code", "pk"))
    if len(competences) != len(COMPETENCES):
        return
    adapt = connection.ops.adapt_datetimefield_value
    now = adapt(timezone.now())
    first_id = bulk.next_id(PixCampaign)
    bulk.insert(
        PixCampaign,
        ["id", "created_at", "updated_at", "pix_id", "code", "name", "organisation", "kind", "target_profile",
         "external_id_label"],
        [
            (first_id, now, now, 38211, "PRODEMO25", "Positionnement numérique des agents",
             "Ville (démonstration)", CampaignKind.PROFILES, "", "Matricule"),
            (first_id + 1, now, now, 40177, "EVALDEMO25", "Messagerie et badgeuse",
             "Ville (démonstration)", CampaignKind.ASSESSMENT, "Outils du quotidien (agents de terrain)", "Matricule"),
        ],
    )  # fmt: skip
    part_id = bulk.next_id(PixParticipation)
    participations, results = [], []
    unmatched = shared_count = 0
    for index, (agent_id, matricule, last, first, uses_computer) in enumerate(chosen):
        kind = CampaignKind.ASSESSMENT if index % 3 == 0 else CampaignKind.PROFILES
        campaign = first_id + (1 if kind == CampaignKind.ASSESSMENT else 0)
        typo = rng.random() < 0.03
        sendings = 2 if kind == CampaignKind.PROFILES and rng.random() < 0.1 else 1
        shared = rng.random() >= 0.05
        day = ctx.as_of - datetime.timedelta(days=rng.randrange(20, 200))
        for sending in range(sendings):
            is_last = sending == sendings - 1
            is_shared = shared or not is_last
            at = datetime.datetime.combine(day, datetime.time(9 + rng.randrange(8), rng.randrange(60)), datetime.UTC)
            at += datetime.timedelta(days=30 * sending)
            external = f"{matricule}X" if typo else matricule
            levels = {code: _level(rng, uses_computer) + sending for code, _ in COMPETENCES}
            mastery = {code: min(1.0, round(levels[code] / 5, 2)) for code in ASSESSED}
            profile = is_shared and kind == CampaignKind.PROFILES
            certifiable = sum(1 for v in levels.values() if v)
            participations.append(
                (
                    part_id, _uuid(rng), now, now, campaign, None if typo else agent_id,
                    MatchMethod.NONE if typo else MatchMethod.EXTERNAL_ID, external, last.upper(), first,
                    external.upper(), at.strftime("%Y-%m-%dT%H:%M") if is_shared else "", is_shared,
                    adapt(at) if is_shared else None,
                    sum(levels.values()) * 8 if profile else None,
                    certifiable >= 5 if profile else None,
                    certifiable if profile else None,
                    round(sum(mastery.values()) / len(mastery), 2) if is_shared and not profile else None,
                    "{}", "demo",
                )
            )  # fmt: skip
            if is_shared:
                shared_count += 1
                if kind == CampaignKind.PROFILES:
                    results += [(part_id, competences[c], v, v * 8, None) for c, v in levels.items()]
                else:
                    results += [(part_id, competences[c], None, None, m) for c, m in mastery.items()]
            part_id += 1
        unmatched += typo
    bulk.insert(PixParticipation, PARTICIPATION_FIELDS, participations)
    bulk.insert(PixCompetenceResult, RESULT_FIELDS, results)
    bulk.reset_sequences(PixCampaign, PixParticipation)
    summary = {"participations": len(participations), "partagees": shared_count, "non_rapprochees": unmatched}
    journal_demo_load(action="demo.skills", label="competences", payload=summary)
    ctx.log(f"Pix : {len(participations)} participations ({shared_count} partagées), {unmatched} non rapprochées")
