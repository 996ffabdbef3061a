from django.contrib import admin
from django.urls import include, path

from relais.accounts import passkeys
from relais.fieldwork.views import signin

urlpatterns = [
    # Short public address of the sign-in sheets, typed by hand by agents who cannot scan the QR code.
    path("e/", signin.signin_code, name="signin_code"),
    path("e/<str:code>", signin.signin_code, name="signin_short"),
    path("", include("relais.core.urls")),
    path("", include("relais.insights.urls")),
    path("compte/", include("relais.accounts.urls")),
    # The user's own API tokens, revoked from « Mes sessions et jetons » (the page is accounts', the tokens api's).
    path("compte/jetons/", include("relais.api.account")),
    path("compte/cles-d-acces/", include(passkeys.urlpatterns)),
    path("agents/", include("relais.agents.urls")),
    path("imports/", include("relais.imports.urls")),
    path("terrain/", include("relais.fieldwork.urls")),
    path("assistance/", include("relais.helpdesk.urls")),
    path("planification/", include("relais.planning.urls")),
    path("guides/", include("relais.knowledge.urls")),
    path("interventions/", include("relais.interventions.urls")),
    path("equipe/", include("relais.team.urls")),
    path("admin/", admin.site.urls),
    path("competences/", include("relais.skills.urls")),
    path("api/v1/", include("relais.api.urls")),
    path("diagnostic/", include("relais.diagnostic.urls")),
    path("fiabilite-rh/", include("relais.findings.urls")),
]
