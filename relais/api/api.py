"""API v1: the NinjaAPI instance, its error handlers and its documentation page."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from relais.api.auth import TokenAuth
from relais.api.docs import document_context
from relais.api.endpoints import router
from relais.api.errors import ApiError, as_api_error

DESCRIPTION = """API publique de Relais. Authentification : `Authorization: Bearer <jeton>`.
Chaque jeton porte des droits (scopes) et ne voit que ce que son titulaire voit dans Relais.
Listes paginées par curseur sur (date de modification, identifiant), filtre `modified_since`.
Écritures idempotentes avec l'en-tête `Idempotency-Key`. Limite de débit par jeton : réponse 429 avec
`Retry-After`. Erreurs en JSON : `{"code", "message", "errors": [{"field", "message"}]}`."""

api = NinjaAPI(
    title="Relais API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
    openapi_url="/openapi.json",
)
api.add_router("", router)


def _reply(request, exc: Exception) -> JsonResponse:
    error = as_api_error(exc)
    response = JsonResponse(
        {"code": error.code, "message": error.message, "errors": error.errors},
        status=error.status,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in error.headers.items():
        response[name] = value
    return response


for _exc in (
    ApiError,
    NinjaValidationError,
    AuthenticationError,
    HttpError,
    PermissionDenied,
    ValidationError,
    Http404,
):
    api.add_exception_handler(_exc, _reply)


def docs(request):
    """A readable page of the OpenAPI document, server-rendered (relais.api.docs): no script, no CDN."""
    openapi_url = reverse("api:openapi-json")
    document = api.get_openapi_schema(path_prefix=openapi_url.removesuffix("openapi.json"))
    return render(request, "api/docs.html", {"openapi_url": openapi_url, **document_context(document)})
