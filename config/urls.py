from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("relais.core.urls")),
    path("", include("relais.insights.urls")),
    path("compte/", include("relais.accounts.urls")),
    path("agents/", include("relais.agents.urls")),
    path("imports/", include("relais.imports.urls")),
    path("terrain/", include("relais.fieldwork.urls")),
    path("assistance/", include("relais.helpdesk.urls")),
    path("planification/", include("relais.planning.urls")),
    path("guides/", include("relais.knowledge.urls")),
    path("interventions/", include("relais.interventions.urls")),
    path("admin/", admin.site.urls),
]
