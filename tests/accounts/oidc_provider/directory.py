"""The provider's people: a JSON file {username: {"password": …, "claims": {…}}} read at every request."""

import json
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from oauth2_provider.oauth2_validators import OAuth2Validator


def people() -> dict:
    with open(os.environ["PROVIDER_DIRECTORY"], encoding="utf-8") as handle:
        return json.load(handle)


class DirectoryBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        person = people().get(username or "")
        if person is None or person["password"] != password:
            return None
        user, _ = get_user_model().objects.get_or_create(username=username)
        return user


class Validator(OAuth2Validator):
    # The directory's claims go out whatever the scopes (roles and directions have no standard scope).
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        return dict(people()[request.user.username]["claims"])
