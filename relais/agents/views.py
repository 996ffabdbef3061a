from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from relais.agents.models import Agent


def agent_list(request):
    return HttpResponse(str(Agent.objects.visible_to(request.user).count()))


def agent_detail(request, public_id):
    agent = get_object_or_404(Agent.objects.visible_to(request.user), public_id=public_id)
    return HttpResponse(agent.display_name)
