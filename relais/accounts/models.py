from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

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
