from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from relais.knowledge.models import Article


@login_not_required
def article_list(request):
    return HttpResponse("guides")


@login_not_required
def article_detail(request, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user), slug=slug)
    return HttpResponse(article.title)


@login_not_required
def article_flyer(request, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user), slug=slug)
    return HttpResponse(article.title)
