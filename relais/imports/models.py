"""Imports: the record of every import run and the header mappings administrators add without code."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from relais.core.models import PublicIdModel, TimestampedModel
from relais.core.text import fold
from relais.imports.enums import IN_PROGRESS, AliasTarget, ImportKind, ImportMode, ImportStatus


class ColumnAlias(TimestampedModel):
    """A header name of some file, mapped to a field Relais knows (beside the built-in French aliases).

    Compared folded (case, accents and spacing ignored), as the built-in aliases are.
    """

    kind = models.CharField("type d'import", max_length=16, choices=ImportKind.choices, default=ImportKind.AGENTS)
    header = models.CharField(
        "en-tête dans le fichier", max_length=200, help_text="Tel qu'il apparaît ; majuscules et accents indifférents."
    )
    header_folded = models.CharField(max_length=200, editable=False)
    target = models.CharField("champ Relais", max_length=32, choices=AliasTarget.choices)

    class Meta:
        verbose_name = "correspondance de colonne"
        verbose_name_plural = "correspondances de colonnes"
        ordering = ["kind", "header"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "header_folded"], name="imports_columnalias_unique_header"),
        ]

    def __str__(self):
        return f"{self.header} → {self.get_target_display()}"

    def save(self, *args, **kwargs):
        self.header_folded = fold(self.header)
        super().save(*args, **kwargs)


class ImportProfile(TimestampedModel):
    """How the files of one source are read: which header is which field, and how its dates are written.

    Saved from the mapping step; offered again when a file with the same set of headers arrives, and
    named on the command line (`--profile NAME`). Headers are kept folded (`columns.header_key`).
    """

    name = models.CharField("nom", max_length=100, unique=True)
    kind = models.CharField("type d'import", max_length=16, choices=ImportKind.choices)
    source = models.CharField("source", max_length=16, blank=True)
    # Sorted folded headers of the files this profile was made from, and their hash for the lookup.
    headers = models.JSONField("en-têtes", default=list)
    signature = models.CharField(max_length=64, editable=False, db_index=True)
    # {folded header: field name or "ignore"}
    mapping = models.JSONField("correspondances", default=dict)
    # {field name: "dmy" or "mdy"}: the day/month order of each date column, decided on the whole column.
    date_orders = models.JSONField("ordre des dates", default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "profil d'import"
        verbose_name_plural = "profils d'import"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="imports_importprofile_kind_valid"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        import hashlib

        self.headers = sorted(set(self.headers))
        self.signature = hashlib.sha256("\x1f".join(self.headers).encode()).hexdigest()
        super().save(*args, **kwargs)


class ImportRunQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Imports are an administrator's tool: only administrators see them (they see all of them)."""
        from relais.imports.permissions import can_import

        return self if can_import(user) else self.none()


class ImportRun(PublicIdModel, TimestampedModel):
    """One import of one file: who, when, what it would change (dry run) and what it changed.

    The uploaded file itself is never kept: only the columns Relais may hold, once forbidden columns
    (NIR, bank details) are dropped, are staged here (`staged_data`, Parquet) until applied or discarded.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField("type", max_length=16, choices=ImportKind.choices)
    mode = models.CharField("étendue", max_length=16, choices=ImportMode.choices, blank=True)
    source = models.CharField("source", max_length=16, blank=True)
    as_of = models.DateField("date de situation", null=True, blank=True)
    file_name = models.CharField("fichier", max_length=255)
    file_size = models.BigIntegerField("taille (octets)", default=0)
    checksum = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    options = models.JSONField("options", default=dict, blank=True)
    status = models.CharField("état", max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    phase = models.CharField("étape", max_length=120, blank=True)
    rows_total = models.PositiveIntegerField("lignes", default=0)
    rows_processed = models.PositiveIntegerField("lignes traitées", default=0)
    count_new = models.PositiveIntegerField("nouveaux", default=0)
    count_updated = models.PositiveIntegerField("modifiés", default=0)
    count_leaving = models.PositiveIntegerField("partants", default=0)
    count_unchanged = models.PositiveIntegerField("inchangés", default=0)
    count_rejected = models.PositiveIntegerField("lignes rejetées", default=0)
    count_unmatched = models.PositiveIntegerField("non rapprochés", default=0)
    # Small samples for the report page: {"new": [...], "updated": [...], "leaving": [...], ...}.
    examples = models.JSONField("exemples", default=dict, blank=True)
    # Notices for the administrator: columns ignored or refused, names concealed, etc.
    notices = models.JSONField("remarques", default=list, blank=True)
    # [[line, column, value, reason], ...], line numbered as in a spreadsheet (header = line 1).
    rejected = models.JSONField("lignes rejetées (détail)", default=list, blank=True)
    applied_valid_rows_only = models.BooleanField("lignes valides seulement", default=False)
    duration = models.FloatField("durée (s)", null=True, blank=True)
    analysed_at = models.DateTimeField("analysé le", null=True, blank=True)
    applied_at = models.DateTimeField("appliqué le", null=True, blank=True)
    error = models.TextField("erreur", blank=True)
    staged_data = models.BinaryField(null=True, blank=True, editable=False)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = "import"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="imports_importrun_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="imports_importrun_status_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.file_name}"

    @property
    def warnings(self) -> list[list]:
        """Lines applied with a field left empty: [[line, column, value, message], ...] (see `_record_plan`)."""
        return (self.examples or {}).get("warnings", [])

    @property
    def count_warnings(self) -> int:
        return (self.examples or {}).get("warnings_count", 0)

    @property
    def is_in_progress(self) -> bool:
        return self.status in IN_PROGRESS

    @property
    def progress_percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, round(100 * self.rows_processed / self.rows_total))


class ImportLock(models.Model):
    """One row per kind of import, locked by the transaction that applies one (`relais.imports.locks`).

    `generation` counts the imports of the kind applied so far: a run planned under an older generation
    plans again, inside the lock, before it writes (issue 16 §3).
    """

    kind = models.CharField("type", max_length=16, choices=ImportKind.choices, unique=True)
    generation = models.PositiveBigIntegerField("imports appliqués", default=0)
    locked_at = models.DateTimeField("dernier verrouillage", null=True, blank=True)

    class Meta:
        verbose_name = "verrou d'import"
        verbose_name_plural = "verrous d'import"
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ImportKind.values), name="imports_importlock_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.generation}"
