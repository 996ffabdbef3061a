"""HR data reliability: the extracts checked, their findings (work for HR managers), the rules' settings, and the
reference table of the territorial civil service's filières, cadres d'emplois and grades.

Never the NIR, bank details nor birth dates (décret 2019-341; DOMAIN.md §6): a finding names the rule, the line,
the matricule and the column, never the value checked.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from relais.accounts.scopes import direction_scope
from relais.agents.enums import Category
from relais.agents.enums import Filiere as FiliereChoice
from relais.core.models import PublicIdModel, TimestampedModel
from relais.findings.enums import ExtractKind, Family, FindingStatus, Severity


class CadreEmplois(models.Model):
    filiere = models.CharField("filière", max_length=32, choices=FiliereChoice.choices)
    name = models.CharField("cadre d'emplois", max_length=200)
    category = models.CharField("catégorie", max_length=1, choices=Category.choices)
    source = models.CharField(
        "source", max_length=300, blank=True, help_text="Décret portant statut particulier, ou « ajout local »."
    )

    class Meta:
        verbose_name = "cadre d'emplois"
        verbose_name_plural = "cadres d'emplois"
        ordering = ["filiere", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["filiere", "name"], name="findings_cadreemplois_unique")]

    def __str__(self):
        return f"{self.name} ({self.get_filiere_display()}, {self.category})"


class Grade(models.Model):
    cadre = models.ForeignKey(
        CadreEmplois, verbose_name="cadre d'emplois", on_delete=models.CASCADE, related_name="grades"
    )
    label = models.CharField("grade", max_length=200)
    aliases = models.TextField(
        "autres libellés", blank=True, help_text="Un par ligne : comment vos extractions écrivent aussi ce grade."
    )
    key = models.CharField(max_length=250, editable=False)

    class Meta:
        verbose_name = "grade"
        ordering = ["cadre", "label"]
        constraints = [models.UniqueConstraint(fields=["cadre", "label"], name="findings_grade_unique")]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        from relais.findings.grades import grade_key

        self.key = grade_key(self.label)
        super().save(*args, **kwargs)


class RuleSetting(TimestampedModel):
    """An administrator's choice on one rule: switched off, or another severity (journaled by the admin)."""

    code = models.CharField("règle", max_length=40)
    enabled = models.BooleanField("active", default=True)
    severity = models.CharField("gravité", max_length=16, choices=Severity.choices, blank=True,
                                help_text="Vide : la gravité par défaut de la règle.")  # fmt: skip

    class Meta:
        verbose_name = "réglage de règle"
        verbose_name_plural = "réglages des règles"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="findings_rulesetting_code_unique"),
            models.CheckConstraint(
                condition=Q(severity__in=[*Severity.values, ""]), name="findings_rulesetting_severity_valid"
            ),
        ]

    def __str__(self):
        return self.code


class Extract(PublicIdModel, TimestampedModel):
    """One HR extract checked: by an import (dry run or applied) or by `hr_quality`. Counts only."""

    kind = models.CharField("type", max_length=16, choices=ExtractKind.choices)
    source_name = models.CharField("fichier", max_length=255)
    as_of = models.DateField("date de l'extraction")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_run = models.OneToOneField(
        "imports.ImportRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="findings_extract"
    )
    # Recorded: its findings were merged into the open findings (an applied import, a hr_quality run). A dry run
    # that is never applied stays unrecorded and moves nobody's findings.
    recorded_at = models.DateTimeField("pris en compte le", null=True, blank=True)
    full = models.BooleanField("extraction complète", default=True)
    rows = models.PositiveIntegerField("lignes", default=0)
    findings_count = models.PositiveIntegerField("constats", default=0)
    counts = models.JSONField(
        "comptes", default=dict, blank=True
    )  # {"family": {...}, "severity": {...}, "rule": {...}}
    # The findings of an import not applied yet, as Parquet: line, matricule, column, rule, severity, message.
    staged = models.BinaryField(null=True, blank=True, editable=False)
    # A partial extract closes only the findings of the files it holds: their matricules, until recorded.
    staged_files = models.BinaryField(null=True, blank=True, editable=False)
    opened = models.PositiveIntegerField("constats ouverts", default=0)
    closed = models.PositiveIntegerField("constats corrigés", default=0)
    duration = models.FloatField("durée (s)", default=0)

    class Meta:
        verbose_name = "extraction contrôlée"
        verbose_name_plural = "extractions contrôlées"
        ordering = ["-as_of", "-created_at"]
        indexes = [models.Index(fields=["recorded_at"], name="findings_extract_recorded_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ExtractKind.values), name="findings_extract_kind_valid")
        ]

    def __str__(self):
        return f"{self.source_name} ({self.as_of:%d/%m/%Y})"


class FindingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The findings `user` may see: by the direction of the file (`accounts.scopes`, the one place).

        A finding whose direction Relais does not know is seen by city-wide roles only."""
        return self.filter(direction_scope(user).q("direction"))

    def open(self):
        return self.filter(status=FindingStatus.OPEN)


class Finding(PublicIdModel, TimestampedModel):
    """A fault of an HR file found in an extract: open until an extract no longer shows it, or justified.

    Its key is (rule, matricule, column): the same fault seen again keeps the finding open and refreshes it.
    """

    rule = models.CharField("règle", max_length=40)
    family = models.CharField("famille", max_length=16, choices=Family.choices)
    severity = models.CharField("gravité", max_length=16, choices=Severity.choices)
    matricule = models.CharField("matricule", max_length=32)
    # "column" is a reserved word in SQL: its own name in the table spares every query the quotes.
    column = models.CharField(
        "colonne", max_length=200, db_column="column_header", help_text="L'en-tête tel que l'extraction l'écrit."
    )
    line = models.PositiveIntegerField("ligne (dernière extraction)")
    message = models.CharField("constat", max_length=500)
    agent = models.ForeignKey("agents.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hr_manager = models.ForeignKey(
        "agents.HRManager", verbose_name="gestionnaire RH", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="findings",
    )  # fmt: skip
    direction = models.ForeignKey(
        "organisation.Direction", verbose_name="direction", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    status = models.CharField("état", max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    first_extract = models.ForeignKey(Extract, on_delete=models.PROTECT, related_name="+")
    last_extract = models.ForeignKey(Extract, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateField("ouvert le")
    closed_at = models.DateField("corrigé le", null=True, blank=True)
    justification = models.TextField("justification", blank=True)
    justified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    justified_at = models.DateTimeField("justifié le", null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = "constat"
        ordering = ["-opened_at", "matricule", "rule"]
        indexes = [
            models.Index(fields=["direction", "status", "family"], name="findings_dir_status_idx"),
            models.Index(fields=["hr_manager", "status"], name="findings_manager_status_idx"),
            models.Index(fields=["direction", "opened_at"], name="findings_dir_opened_idx"),
            models.Index(fields=["direction", "closed_at"], name="findings_dir_closed_idx"),
            models.Index(fields=["matricule"], name="findings_matricule_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["rule", "matricule", "column"], name="findings_finding_key_unique"),
            models.CheckConstraint(condition=Q(status__in=FindingStatus.values), name="findings_finding_status_valid"),
            models.CheckConstraint(condition=Q(family__in=Family.values), name="findings_finding_family_valid"),
            models.CheckConstraint(condition=Q(severity__in=Severity.values), name="findings_finding_severity_valid"),
            models.CheckConstraint(
                condition=~Q(status=FindingStatus.JUSTIFIED) | ~Q(justification=""),
                name="findings_finding_justified_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.rule} · {self.matricule} · {self.column}"


class InterventionFindingsQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(direction_scope(user).q("direction"))


class InterventionFindings(TimestampedModel):
    """The HR managers an intervention request was made for from their findings, and their open findings then."""

    request = models.OneToOneField("interventions.InterventionRequest", on_delete=models.CASCADE, related_name="+")
    direction = models.ForeignKey("organisation.Direction", on_delete=models.PROTECT, related_name="+")
    managers = models.ManyToManyField("agents.HRManager", related_name="+")
    counts_before = models.JSONField(default=dict)  # {hr manager id: open findings at the request's date}
    total_before = models.PositiveIntegerField(default=0)

    objects = InterventionFindingsQuerySet.as_manager()

    class Meta:
        verbose_name = "demande née des constats"
        verbose_name_plural = "demandes nées des constats"

    def __str__(self):
        return f"Constats · demande {self.request_id}"
