"""Reads for the diagnostic's pages."""

from dataclasses import dataclass

from relais.diagnostic.models import Scale, Session
from relais.knowledge.models import Article
from relais.skills.enums import Band


@dataclass
class ResultRow:
    tool: str
    band: str
    band_label: str
    next_step: str
    guides: list


def result_for_page(session: Session) -> list[ResultRow]:
    """One row per diagnostic tool, in the topics' order, with its next step and the public guides of the topic.

    Guides are the published agent guides (`Article.objects.visible_to(None)`: what anyone may read).
    """
    scales = list(Scale.objects.select_related("topic").order_by("topic__position"))
    guides: dict[int, list] = {}
    for article in Article.objects.visible_to(None).filter(topic__in=[s.topic_id for s in scales]).order_by("title"):
        guides.setdefault(article.topic_id, []).append(article)
    rows = []
    for scale in scales:
        band = session.bands.get(scale.topic.code)
        if band is None:
            continue
        rows.append(
            ResultRow(scale.topic.name, band, Band(band).label, scale.next_step(band), guides.get(scale.topic_id, []))
        )
    return rows
