import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from relais.accounts.enums import Role
from relais.core.models import PublicIdModel


class User(PublicIdModel, AbstractUser):
    """A person who logs into Relais. Agents themselves never need an account."""

    role = models.CharField("rôle", max_length=16, choices=Role.choices, blank=True)
    directions = models.ManyToManyField(
        "organisation.Direction",
        verbose_name="directions suivies",
        blank=True,
        related_name="correspondents",
        help_text="Pour un correspondant RH : les seules directions dont il voit les agents.",
    )
    # The provider's `sub` claim: the one stable identifier of a person signing in through single sign-on
    # (usernames and e-mail addresses change; `sub` never does for one provider).
    oidc_subject = models.CharField(
        "identifiant chez le fournisseur d'identité",
        max_length=255,
        blank=True,
        help_text="Rempli à la première connexion par l'authentification unique ; vide pour un compte local.",
    )

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[*Role.values, ""]), name="accounts_user_role_valid"),
            models.UniqueConstraint(
                fields=["oidc_subject"], condition=~models.Q(oidc_subject=""), name="accounts_user_oidc_subject_unique"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def signs_in_with_sso(self) -> bool:
        return bool(self.oidc_subject)


class UserSessionQuerySet(models.QuerySet):
    def active(self, now=None):
        """Sessions still open: active within the idle limit and younger than the absolute maximum."""
        now = now or timezone.now()
        rows = self.filter(started_at__gt=now - datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))
        if settings.RELAIS_SESSION_IDLE_MINUTES:
            rows = rows.filter(
                last_activity_at__gt=now - datetime.timedelta(minutes=settings.RELAIS_SESSION_IDLE_MINUTES)
            )
        return rows


class UserSession(PublicIdModel):
    """One signed-in session of a user, so that the user can list and end them (« Mes sessions et jetons »).

    The session's data stays in Django's session store; this row names its key (never shown) and what the person
    recognises it by. The address is kept truncated (IPv4 /24, IPv6 /48): enough to tell "at the office" from
    "somewhere else", not enough to locate anyone.
    """

    user = models.ForeignKey(
        User, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    session_key = models.CharField("clé de session", max_length=64, unique=True)
    user_agent = models.CharField("navigateur", max_length=300, blank=True)
    address = models.CharField("adresse réseau (tronquée)", max_length=64, blank=True)
    started_at = models.DateTimeField("ouverte le", default=timezone.now)
    last_activity_at = models.DateTimeField("dernière activité", default=timezone.now)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        verbose_name = "session ouverte"
        verbose_name_plural = "sessions ouvertes"
        indexes = [models.Index(fields=["user", "-last_activity_at"], name="accounts_usersession_user_last")]

    def __str__(self):
        return f"{self.user} · {self.started_at:%d/%m/%Y %H:%M}"
