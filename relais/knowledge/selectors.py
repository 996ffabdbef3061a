"""Reads of the knowledge base for its pages and for the helpdesk."""

from django.db.models import Prefetch, Q, QuerySet

from relais.core.text import fold
from relais.knowledge.models import Article, Step


def article_list(*, user, topic: str = "", q: str = "") -> QuerySet[Article]:
    """Articles `user` may read (agents without an account: published guides only), title order."""
    qs = Article.objects.visible_to(user).filter(is_published=True).select_related("topic")
    if topic:
        qs = qs.filter(topic__code=topic)
    for token in fold(q).split()[:4]:
        qs = qs.filter(Q(title__icontains=token) | Q(summary__icontains=token) | Q(slug__icontains=token))
    return qs.order_by("audience", "title")


def article_for_page(*, user, slug: str) -> Article:
    return (
        Article.objects.visible_to(user)
        .select_related("topic")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("position")))
        .get(slug=slug)
    )


def suggested_articles(*, user, topic_id: int | None, exclude_ids=(), limit: int = 5) -> list[Article]:
    """Published articles of a topic that `user` may read, agent guides first (the ones to send the agent),
    then the team's scripts; `exclude_ids` (already linked) left out."""
    if topic_id is None:
        return []
    qs = Article.objects.visible_to(user).filter(is_published=True, topic_id=topic_id).exclude(pk__in=exclude_ids)
    return list(qs.order_by("audience", "title")[:limit])
