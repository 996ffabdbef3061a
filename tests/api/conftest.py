import json

import pytest
from django.test import Client

from relais.api.enums import Scope
from relais.api.services import application_create, token_create

ALL_SCOPES = list(Scope.values)


class ApiClient:
    """Calls /api/v1/ with a bearer token, as another system would."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.token = token

    def _headers(self, extra):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return headers | (extra or {})

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/api/v1/{path}", params or {}, headers=self._headers(headers))

    def post(self, path, body, headers=None):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return self.client.post(
            f"/api/v1/{path}", data, content_type="application/json", headers=self._headers(headers)
        )

    def walk(self, path, params=None):
        """Every item of a paginated list, following next_cursor to the end."""
        items, params = [], dict(params or {})
        while True:
            response = self.get(path, params)
            assert response.status_code == 200, response.content
            body = response.json()
            items += body["items"]
            if not body["next_cursor"]:
                return items
            params["cursor"] = body["next_cursor"]


@pytest.fixture
def api_for(db):
    def make(user=None, *, scopes=ALL_SCOPES, application=None, days=30):
        issued = token_create(acting_user=None, user=user, application=application, scopes=scopes, days=days)
        client = ApiClient(issued.clear)
        client.issued = issued
        return client

    return make


@pytest.fixture
def application_of(db):
    def make(name, directions):
        return application_create(acting_user=None, name=name, directions=directions)

    return make
