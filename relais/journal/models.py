"""The append-only journal of every change to personal data (GDPR accountability)."""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a journal entry."""


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Le journal est en ajout seul : une entrée ne se modifie pas.")

    def delete(self):
        raise AppendOnlyError("Le journal est en ajout seul : une entrée ne se supprime pas.")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class Entry(models.Model):
    """One action on personal data: who did what to which object, when, with a small payload.

    Database triggers (migration 0002) refuse UPDATE and DELETE as well, so the journal stays append-only
    even for raw SQL.
    """

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    action = models.CharField("action", max_length=64)
    object_type = models.CharField("type d'objet", max_length=64)
    object_id = models.CharField("identifiant", max_length=64)
    object_repr = models.CharField("objet", max_length=200, blank=True)
    payload = models.JSONField("détail", default=dict, blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal"
        verbose_name_plural = "journal"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="journal_entry_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Le journal est en ajout seul : une entrée ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Le journal est en ajout seul : une entrée ne se supprime pas.")
