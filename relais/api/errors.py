"""Errors of the API: always JSON, always French, naming the field at fault.

Shape: {"code": "...", "message": "...", "errors": [{"field": "items.3.as_of", "message": "..."}]}.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, *, errors=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.errors = errors or []
        self.headers = headers or {}


def field_error(field: str, message: str, *, status: int = 422) -> ApiError:
    return ApiError(status, "invalid", f"Champ « {field} » : {message}", errors=[{"field": field, "message": message}])


# Pydantic's error types, said in French (the rest fall back to a generic sentence naming the field).
_MESSAGES = {
    "missing": "obligatoire, absent de la requête",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "datetime_parsing": "date et heure attendues au format ISO 8601 (AAAA-MM-JJTHH:MM:SS+01:00)",
    "datetime_from_date_parsing": "date et heure attendues au format ISO 8601 (AAAA-MM-JJTHH:MM:SS+01:00)",
    "datetime_type": "date et heure attendues au format ISO 8601",
    "int_parsing": "nombre entier attendu",
    "int_type": "nombre entier attendu",
    "bool_parsing": "booléen attendu (true ou false)",
    "bool_type": "booléen attendu (true ou false)",
    "string_type": "texte attendu",
    "string_too_long": "texte trop long",
    "string_too_short": "texte trop court",
    "too_long": "trop d'éléments",
    "too_short": "pas assez d'éléments",
    "list_type": "liste attendue",
    "dict_type": "objet JSON attendu",
    "model_type": "objet JSON attendu",
    "model_attributes_type": "objet JSON attendu",
    "enum": "valeur non reconnue",
    "literal_error": "valeur non reconnue",
    "greater_than_equal": "valeur trop petite",
    "less_than_equal": "valeur trop grande",
    "uuid_parsing": "identifiant (UUID) attendu",
    "uuid_type": "identifiant (UUID) attendu",
    "json_invalid": "le corps de la requête n'est pas du JSON valide",
    "extra_forbidden": "champ inconnu",
    "value_error": "valeur invalide",
}


def _field(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "params", "filters"}:
        parts = parts[1:]
    return ".".join(parts) or "corps"


def _message(error: dict) -> str:
    kind = error.get("type", "")
    text = _MESSAGES.get(kind, "valeur invalide")
    ctx = error.get("ctx") or {}
    if kind == "enum" and "expected" in ctx:
        text = f"valeur non reconnue (possibles : {ctx['expected']})"
    elif kind in {"greater_than_equal", "less_than_equal"} and ctx:
        bound = ctx.get("ge", ctx.get("le"))
        text = f"{text} (limite : {bound})"
    elif kind in {"too_long", "string_too_long"} and "max_length" in ctx:
        text = f"{text} (au plus {ctx['max_length']})"
    elif kind == "value_error" and ctx.get("error"):
        text = str(ctx["error"])
    return text


def validation_errors(exc: NinjaValidationError) -> ApiError:
    errors = [{"field": _field(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
    first = errors[0] if errors else {"field": "corps", "message": "requête invalide"}
    message = f"Champ « {first['field']} » : {first['message']}"
    if len(errors) > 1:
        message += f" (et {len(errors) - 1} autre(s) erreur(s))"
    return ApiError(422, "invalid", message, errors=errors)


def as_api_error(exc: Exception) -> ApiError:
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, NinjaValidationError):
        return validation_errors(exc)
    if isinstance(exc, AuthenticationError):
        return ApiError(
            401,
            "unauthenticated",
            "Jeton absent, inconnu, expiré ou révoqué : envoyez « Authorization: Bearer <jeton> ».",
            headers={"WWW-Authenticate": 'Bearer realm="relais"'},
        )
    if isinstance(exc, Http404):
        return ApiError(404, "not_found", "Introuvable, ou hors de votre périmètre.")
    if isinstance(exc, PermissionDenied):
        return ApiError(403, "forbidden", "Votre compte n'a pas accès à cette ressource.")
    if isinstance(exc, DjangoValidationError):
        messages = exc.messages
        errors = [{"field": "corps", "message": m} for m in messages]
        return ApiError(422, "invalid", " ".join(messages), errors=errors)
    if isinstance(exc, HttpError):
        return ApiError(exc.status_code, "error", str(exc))
    raise exc
