"""Signing in: single sign-on (OpenID Connect), local passwords, the second factor and the lock-out.

Imported at the end of `base`; read from the environment like the rest. docs/integrations.md tells an
IT department which variables to set for Entra ID or Keycloak.
"""

import datetime as _datetime

import environ as _environ

# Private names: base imports this module with `*`.
_env = _environ.Env()

# --- Local passwords ---------------------------------------------------------------------------------------------
# The demo's accounts and an administrator's fallback. Off: the login page offers single sign-on only and no
# password is accepted, not even a superuser's (`manage.py changepassword` still works from the server).
RELAIS_LOCAL_LOGIN = _env.bool("RELAIS_LOCAL_LOGIN", default=True)

# --- Single sign-on: OpenID Connect, authorization code flow with PKCE, state and nonce (mozilla-django-oidc) ------
# On when an issuer is set. `manage.py oidc_discover ISSUER` prints the endpoint variables from the provider's
# discovery document.
RELAIS_OIDC_ISSUER = _env.str("RELAIS_OIDC_ISSUER", default="").rstrip("/")
RELAIS_SSO_ENABLED = bool(RELAIS_OIDC_ISSUER)
RELAIS_SSO_LABEL = _env.str("RELAIS_SSO_LABEL", default="Se connecter avec le compte de la collectivité")
OIDC_RP_CLIENT_ID = _env.str("RELAIS_OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = _env.str("RELAIS_OIDC_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = _env.str("RELAIS_OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = _env.str("RELAIS_OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = _env.str("RELAIS_OIDC_JWKS_ENDPOINT", default="")
# Empty: the claims are read from the ID token alone (Entra ID puts groups and roles there, not in userinfo).
OIDC_OP_USER_ENDPOINT = _env.str("RELAIS_OIDC_USERINFO_ENDPOINT", default="")
RELAIS_OIDC_END_SESSION_ENDPOINT = _env.str("RELAIS_OIDC_END_SESSION_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = _env.str("RELAIS_OIDC_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = _env.str("RELAIS_OIDC_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_USE_NONCE = True
OIDC_TIMEOUT = _env.int("RELAIS_OIDC_TIMEOUT", default=10)
OIDC_VERIFY_SSL = _env.bool("RELAIS_OIDC_VERIFY_SSL", default=True)
OIDC_TOKEN_USE_BASIC_AUTH = _env.bool("RELAIS_OIDC_BASIC_AUTH", default=False)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
# Kept for the provider's logout (id_token_hint); the session lives in Relais's database only.
OIDC_STORE_ID_TOKEN = True
OIDC_OP_LOGOUT_URL_METHOD = "relais.accounts.oidc.provider_logout_url"
# Claims: which one names the person, which one carries the role (or groups), which one the directions of an HR
# correspondent (direction codes, a list or a comma-separated text). RELAIS_OIDC_ROLE_MAP maps the provider's
# values to Relais's roles, e.g. "GG-Relais-Admins=admin,GG-Relais-Coordination=coordinator"; Relais's own role
# names (admin, coordinator, mediator, hr, helpdesk) are always understood.
RELAIS_OIDC_USERNAME_CLAIM = _env.str("RELAIS_OIDC_USERNAME_CLAIM", default="preferred_username")
RELAIS_OIDC_ROLE_CLAIM = _env.str("RELAIS_OIDC_ROLE_CLAIM", default="roles")
RELAIS_OIDC_ROLE_MAP = _env.dict("RELAIS_OIDC_ROLE_MAP", default={})
RELAIS_OIDC_DIRECTIONS_CLAIM = _env.str("RELAIS_OIDC_DIRECTIONS_CLAIM", default="directions")
# A local account of the same username is taken over by its first single sign-on only when this is on (the
# provider must then be the one that decides usernames, or anyone could claim an administrator's).
RELAIS_OIDC_LINK_LOCAL_ACCOUNTS = _env.bool("RELAIS_OIDC_LINK_LOCAL_ACCOUNTS", default=False)
# Whom a person without a role should ask (shown on the refusal page), e.g. "la cellule Relais de la DRH".
RELAIS_ACCESS_CONTACT = _env.str("RELAIS_ACCESS_CONTACT", default="l'équipe de coordination de la médiation numérique")

# --- Second factor (django-otp: TOTP and recovery codes) ---------------------------------------------------------
# Roles that must give a code after their password (superusers and staff, who reach the Django admin, always).
RELAIS_2FA_ROLES = _env.list("RELAIS_2FA_ROLES", default=["admin", "coordinator"])
# Single sign-on users: "provider" trusts the provider's own second factor (the employer enforces it there);
# "amr" trusts it only when the ID token's `amr` claim says a second factor was used (mfa, otp, hwk, swk…),
# and asks Relais's own otherwise; "relais" always asks Relais's own.
RELAIS_SSO_MFA = _env.str("RELAIS_SSO_MFA", default="provider")
RELAIS_SSO_MFA_AMR = _env.list("RELAIS_SSO_MFA_AMR", default=["mfa", "otp", "hwk", "swk", "sc", "fido"])
# The demo's accounts (`manage.py demo_accounts`) sign in with their password alone, in demo mode only.
RELAIS_DEMO_USERNAMES = ["admin", "coordination", "mediation", "rh", "assistance"]
OTP_TOTP_ISSUER = _env.str("RELAIS_OTP_ISSUER", default="Relais")
RELAIS_RECOVERY_CODES = 10
# Passkeys (django-otp-webauthn), a second factor like the app. The relying party is the host the user reached and
# the allowed origin that host's own, unless set here (behind a proxy that ends TLS without
# SECURE_PROXY_SSL_HEADER, set the https origin). Passwordless sign-in stays off: see relais/accounts/passkeys.py.
RELAIS_WEBAUTHN_RP_ID = _env.str("RELAIS_WEBAUTHN_RP_ID", default="")
RELAIS_WEBAUTHN_ORIGINS = _env.list("RELAIS_WEBAUTHN_ORIGINS", default=[])
OTP_WEBAUTHN_RP_NAME = _env.str("RELAIS_WEBAUTHN_RP_NAME", default="Relais")
OTP_WEBAUTHN_RP_ID_CALLABLE = "relais.accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_HELPER_CLASS = "relais.accounts.passkeys.Helper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# The library's check wants a fixed list of origins; Relais derives the origin from the validated host.
OTP_WEBAUTHN_ALLOWED_ORIGINS = RELAIS_WEBAUTHN_ORIGINS
SILENCED_SYSTEM_CHECKS = [] if RELAIS_WEBAUTHN_ORIGINS else ["otp_webauthn.E030"]

# --- Lock-out after repeated failed logins (django-axes) ---------------------------------------------------------
# Failures are counted in the host's shared cache, per account and per address, the address being the one
# relais.core.cache.client_address trusts (X-Forwarded-For only from RELAIS_TRUSTED_PROXIES).
AXES_ENABLED = _env.bool("RELAIS_LOGIN_LOCKOUT", default=True)
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_FAILURE_LIMIT = _env.int("RELAIS_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = _datetime.timedelta(minutes=_env.int("RELAIS_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = _env.list("RELAIS_LOGIN_LOCKOUT_PARAMETERS", default=["username", "ip_address"])
AXES_CLIENT_IP_CALLABLE = "relais.core.cache.client_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Password reset by e-mail (local accounts only) ----------------------------------------------------------------
# Offered on the login page while local passwords are on; single sign-on accounts (no usable password) get no
# mail. The link works once, for this long. Requests are counted per e-mail address and per client address.
PASSWORD_RESET_TIMEOUT = _env.int("RELAIS_PASSWORD_RESET_MINUTES", default=60) * 60
RELAIS_PASSWORD_RESET_PER_EMAIL = _env.int("RELAIS_PASSWORD_RESET_PER_EMAIL", default=3)  # per hour
RELAIS_PASSWORD_RESET_PER_ADDRESS = _env.int("RELAIS_PASSWORD_RESET_PER_ADDRESS", default=20)  # per hour

# --- Sessions: end after inactivity, and at the latest after SESSION_COOKIE_AGE (RELAIS_SESSION_AGE, base) --------
# A mediator's phone left in a locker, a coordinator's office computer left open: after this many minutes without
# a request the next one is sent to the login page (relais.accounts.sessions). 0 switches it off.
RELAIS_SESSION_IDLE_MINUTES = _env.int("RELAIS_SESSION_IDLE_MINUTES", default=60)
