"""The knowledge base: agent guides are public (no account), team scripts need a login."""

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from relais.knowledge import selectors
from relais.knowledge.enums import Audience
from relais.knowledge.models import Article, Topic


def _article(request, slug) -> Article:
    try:
        return selectors.article_for_page(user=request.user, slug=slug)
    except Article.DoesNotExist as exc:
        raise Http404 from exc


def _absolute(path: str) -> str:
    return settings.RELAIS_BASE_URL.rstrip("/") + path


@login_not_required
def article_list(request):
    topic, q = request.GET.get("theme", ""), request.GET.get("q", "")[:100]
    articles = list(selectors.article_list(user=request.user, topic=topic, q=q))
    context = {
        "guides": [a for a in articles if a.audience == Audience.AGENT],
        "scripts": [a for a in articles if a.audience == Audience.MEDIATOR],
        "topics": Topic.objects.filter(is_active=True, articles__isnull=False).distinct(),
        "topic": topic,
        "q": q,
    }
    return render(request, "knowledge/article_list.html", context)


@login_not_required
def article_detail(request, slug):
    article = _article(request, slug)
    return render(request, "knowledge/article_detail.html", {"article": article, "steps": list(article.steps.all())})


@login_not_required
def article_flyer(request, slug):
    """A one-page printable flyer: the steps, and a QR code to the same guide online."""
    article = _article(request, slug)
    url = _absolute(reverse("knowledge:article_detail", args=[article.slug]))
    qr = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")
    return render(
        request,
        "knowledge/article_flyer.html",
        {"article": article, "steps": list(article.steps.all()), "qr": qr, "url": url},
    )
