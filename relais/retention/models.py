"""How long each kind of personal data is kept (docs/privacy.md, « Durées de conservation »)."""

from django.db import models

from relais.retention.enums import DataKind

# Defaults from the CNIL's recommendations (sources in docs/privacy.md); the administrator adapts them in
# the admin, after the data-protection officer's advice. (months, what happens past the duration)
DEFAULTS = {
    DataKind.PARTICIPATIONS: (36, "Le motif de suivi est effacé ; les lignes supprimées sont détruites."),
    DataKind.TICKETS: (12, "Nom, téléphone, courriel, matricule et lieu donnés par le demandeur sont effacés."),
    DataKind.UNKNOWN_SIGNINS: (3, "Le prénom ou repère est effacé ; direction et catégorie restent comptées."),
    DataKind.DEPARTED_AGENTS: (12, "Nom, prénom, matricule et coordonnées sont remplacés par un pseudonyme."),
    DataKind.JOURNAL_PAYLOADS: (12, "Le détail (anciennes et nouvelles valeurs) est effacé ; l'entrée reste."),
    DataKind.ACCESS_LOGS: (12, "Les fichiers du journal d'accès plus anciens sont supprimés."),
    DataKind.FINDINGS: (12, "Matricule, constat et justification sont effacés ; règle, direction et dates restent."),
    DataKind.IMPORT_DETAILS: (12, "Les lignes citées par le compte rendu sont effacées ; ses comptes restent."),
}


class RetentionPolicy(models.Model):
    """One kind of personal data and how long it is kept after the date that starts its clock."""

    kind = models.CharField("donnée", max_length=32, choices=DataKind.choices, unique=True)
    months = models.PositiveSmallIntegerField(
        "durée de conservation (mois)", help_text="Au-delà, la purge de la nuit efface ou pseudonymise."
    )
    is_active = models.BooleanField("purge active", default=True)
    effect = models.CharField("ce que fait la purge", max_length=200, blank=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "durée de conservation"
        verbose_name_plural = "durées de conservation"
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DataKind.values), name="retention_retentionpolicy_kind_valid"
            ),
            models.CheckConstraint(condition=models.Q(months__gte=1), name="retention_retentionpolicy_months_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.months} mois"
