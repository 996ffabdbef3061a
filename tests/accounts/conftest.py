import pytest
from django.core.cache import cache

# The real SMTP server (aiosmtpd) of the assistance tests, for the password-reset mails.
from tests.helpdesk.conftest import smtp_server  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_login_counters():
    """django-axes counts failures in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def no_demo(settings):
    """Production's rule: no account is exempt from the second factor."""
    settings.RELAIS_DEMO = False


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider on a free localhost port, for the whole test session."""
    from tests.accounts.sso_provider import start_provider, stop_provider

    provider = start_provider(tmp_path_factory.mktemp("oidc-provider"))
    yield provider
    stop_provider(provider)


@pytest.fixture
def sso(settings, oidc_provider):
    """Relais configured for the test provider, as docs/integrations.md tells an IT department to do."""
    for name, value in oidc_provider.relais_settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "relais.accounts.oidc.Backend"]
    oidc_provider.set_people({})
    return oidc_provider
