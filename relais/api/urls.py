"""/api/v1/: the operations (token-authenticated), the OpenAPI document and its page (public: they hold no data)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from relais.api.api import api, docs

patterns, _app, _namespace = api.urls
app_name = "api"  # ninja reverses its own routes as "api:…" (urls_namespace)
# The API authenticates each call by its token (relais.api.auth), not by a session: the login middleware's
# redirect to the sign-in page would mean nothing to another system.
for pattern in patterns:
    pattern.callback = login_not_required(pattern.callback)

urlpatterns = [path("docs", login_not_required(docs), name="docs"), *patterns]
