from django.conf import settings


def relais(request):
    return {"relais_demo": settings.RELAIS_DEMO}
