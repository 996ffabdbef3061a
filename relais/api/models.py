"""Tokens of the public API, the applications that hold some, and the replies kept for idempotent writes.

A token is shown once, at its creation; only its SHA-256 is stored (the secret is 32 random bytes, so a
slow password hash would add nothing but latency to every call) with a short prefix people can recognise.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from relais.api.enums import Scope
from relais.core.models import PublicIdModel, TimestampedModel


class ApiApplication(PublicIdModel, TimestampedModel):
    """Another system of the employer (HR software, directory, mailbox platform) calling the API.

    It acts through its own principal: a user without password nor sign-in, an HR correspondent of exactly the
    directions granted here, so that every `visible_to` rule applies to it unchanged.
    """

    name = models.CharField("nom", max_length=120, unique=True)
    description = models.TextField("description", blank=True)
    principal = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="compte technique",
        on_delete=models.PROTECT,
        related_name="api_application",
        editable=False,
    )

    class Meta:
        verbose_name = "application cliente"
        verbose_name_plural = "applications clientes"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def owned_by(self, user):
        """A person's own tokens (not those of an application they administer): what « Mes jetons » lists."""
        return self.filter(user=user) if user.is_authenticated else self.none()


class ApiToken(PublicIdModel):
    name = models.CharField("nom", max_length=120, blank=True)
    prefix = models.CharField("préfixe", max_length=16, unique=True, editable=False)
    key_hash = models.CharField("empreinte", max_length=64, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    application = models.ForeignKey(
        ApiApplication,
        verbose_name="application",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tokens",
    )
    scopes = models.JSONField("droits", default=list)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_at = models.DateTimeField("expire le")
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(application__isnull=True))
                | (Q(user__isnull=True) & Q(application__isnull=False)),
                name="api_apitoken_one_owner",
            ),
        ]

    def __str__(self):
        return f"{self.prefix}… ({self.owner_label})"

    @property
    def owner_label(self) -> str:
        return str(self.application) if self.application_id else str(self.user)

    @property
    def acting_user(self):
        """Whose visibility and permissions the token's calls have (and whom the journal names)."""
        return self.application.principal if self.application_id else self.user

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def has_scope(self, scope: Scope | str) -> bool:
        return str(scope) in self.scopes


class IdempotentReply(models.Model):
    """The reply to a write sent with an `Idempotency-Key`: the same key and body get it again."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField("clé", max_length=200)
    operation = models.CharField("opération", max_length=120)
    body_hash = models.CharField("empreinte du corps", max_length=64)
    status_code = models.PositiveSmallIntegerField("code HTTP")
    body = models.JSONField("réponse")
    created_at = models.DateTimeField("reçu le", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "réponse idempotente"
        constraints = [models.UniqueConstraint(fields=["token", "key"], name="api_idempotentreply_one_per_key")]

    def __str__(self):
        return f"{self.operation} · {self.key}"
