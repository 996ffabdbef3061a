from django.http import HttpResponse


def request_list(request):
    return HttpResponse("interventions")
