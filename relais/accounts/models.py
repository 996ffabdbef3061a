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

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=[*Role.values, ""]), name="accounts_user_role_valid")
        ]

    def __str__(self):
        return self.get_full_name() or self.username
