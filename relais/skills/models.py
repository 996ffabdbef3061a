"""Digital skills: the CRCN framework as reference data, Pix Orga campaigns and their participations.

Pix results are personal data: every participation a person sent is kept as history (one row per
sending, as Pix Orga exports them); an unmatched participation keeps the raw external id and names
from the file, so that it can be matched later, never guessed.
"""

from django.db import models
from django.db.models import Q

from relais.accounts.scopes import direction_scope
from relais.core.models import PublicIdModel, TimestampedModel
from relais.skills.enums import Band, CampaignKind, MatchMethod


class Domain(models.Model):
    """One of the 5 CRCN domains ("1" Information et données … "5" Environnement numérique)."""

    code = models.CharField("code", max_length=2, unique=True)
    name = models.CharField("nom", max_length=120)

    class Meta:
        verbose_name = "domaine du CRCN"
        verbose_name_plural = "domaines du CRCN"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Competence(models.Model):
    """One of the 16 CRCN competences, known by its code ("1.1" … "5.2") everywhere in Relais."""

    code = models.CharField("code", max_length=4, unique=True)
    domain = models.ForeignKey(Domain, verbose_name="domaine", on_delete=models.PROTECT, related_name="competences")
    name = models.CharField("nom", max_length=120)

    class Meta:
        verbose_name = "compétence du CRCN"
        verbose_name_plural = "compétences du CRCN"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ToolCompetence(models.Model):
    """Which CRCN competence a tool of the programme calls on, and the thresholds of its bands.

    A Pix level (0–8, profile collections) or a mastery rate (0–1, assessments) below `guided_*` means
    "à accompagner", from `autonomous_*` "autonome", in between "avec guidage". Data, edited in the admin.
    """

    tool = models.ForeignKey("adoption.Tool", verbose_name="outil", on_delete=models.CASCADE, related_name="+")
    competence = models.ForeignKey(Competence, verbose_name="compétence", on_delete=models.PROTECT, related_name="+")
    guided_level = models.PositiveSmallIntegerField("niveau Pix pour « avec guidage »", default=1)
    autonomous_level = models.PositiveSmallIntegerField("niveau Pix pour « autonome »", default=3)
    guided_mastery = models.FloatField("maîtrise pour « avec guidage » (0 à 1)", default=0.35)
    autonomous_mastery = models.FloatField("maîtrise pour « autonome » (0 à 1)", default=0.7)

    class Meta:
        verbose_name = "compétence mobilisée par un outil"
        verbose_name_plural = "compétences mobilisées par les outils"
        ordering = ["tool__position", "competence__code"]
        constraints = [
            models.UniqueConstraint(fields=["tool", "competence"], name="skills_toolcompetence_unique"),
            models.CheckConstraint(
                condition=Q(autonomous_level__gte=models.F("guided_level"))
                & Q(autonomous_mastery__gte=models.F("guided_mastery")),
                name="skills_toolcompetence_thresholds_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.tool} ← {self.competence}"

    def band_for(self, *, level: int | None = None, mastery: float | None = None) -> str | None:
        if level is not None:
            value, guided, autonomous = level, self.guided_level, self.autonomous_level
        elif mastery is not None:
            value, guided, autonomous = mastery, self.guided_mastery, self.autonomous_mastery
        else:
            return None
        if value >= autonomous:
            return Band.AUTONOMOUS
        return Band.GUIDED if value >= guided else Band.HELP


class PixCampaign(TimestampedModel):
    """A Pix Orga campaign, as its exports name it ("ID Campagne" is Pix's own, stable identifier)."""

    pix_id = models.BigIntegerField("ID Campagne (Pix)", unique=True)
    code = models.CharField("code", max_length=32, blank=True, help_text="Absent des exports de l'ancienne génération.")
    name = models.CharField("nom de la campagne", max_length=255)
    organisation = models.CharField("organisation Pix", max_length=255, blank=True)
    kind = models.CharField("type", max_length=16, choices=CampaignKind.choices)
    target_profile = models.CharField("parcours (profil cible)", max_length=255, blank=True)
    external_id_label = models.CharField("libellé de l'identifiant externe", max_length=255, blank=True)

    class Meta:
        verbose_name = "campagne Pix"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=CampaignKind.values), name="skills_pixcampaign_kind_valid"),
        ]

    def __str__(self):
        return self.name


class PixParticipationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Matched participations of agents in the user's directions; unmatched ones only city-wide."""
        scope = direction_scope(user)
        if scope.everything:
            return self
        return self.filter(agent__isnull=False).filter(scope.q("agent__direction"))


class PixParticipation(PublicIdModel, TimestampedModel):
    """One participation of one person in a campaign: one sending, or the one still in progress.

    `person_key` (the external id, else the folded names) and `sending_key` (the sending date, "" while
    not shared) identify a row across re-imports of later exports of the same campaign.
    """

    campaign = models.ForeignKey(PixCampaign, on_delete=models.CASCADE, related_name="participations")
    agent = models.ForeignKey(
        "agents.Agent", null=True, blank=True, on_delete=models.SET_NULL, related_name="pix_participations"
    )
    match_method = models.CharField("rapprochement", max_length=16, choices=MatchMethod.choices, blank=True)
    external_id = models.CharField("identifiant externe (tel que dans le fichier)", max_length=255, blank=True)
    last_name = models.CharField("nom (tel que dans le fichier)", max_length=255, blank=True)
    first_name = models.CharField("prénom (tel que dans le fichier)", max_length=255, blank=True)
    person_key = models.CharField(max_length=255, editable=False)
    sending_key = models.CharField(max_length=32, editable=False, blank=True)
    is_shared = models.BooleanField("résultats partagés", default=False)
    shared_at = models.DateTimeField("partagés le", null=True, blank=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    progress = models.FloatField("progression (0 à 1)", null=True, blank=True)
    pix_total = models.PositiveSmallIntegerField("nombre de pix total", null=True, blank=True)
    is_certifiable = models.BooleanField("certifiable", null=True, blank=True)
    certifiable_competences = models.PositiveSmallIntegerField("compétences certifiables", null=True, blank=True)
    mastery = models.FloatField("maîtrise du profil (0 à 1)", null=True, blank=True)
    domain_mastery = models.JSONField("maîtrise par domaine", default=dict, blank=True)
    import_reference = models.CharField("import", max_length=64, blank=True)

    objects = PixParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = "participation Pix"
        ordering = ["campaign", "person_key", "shared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person_key", "sending_key"], name="skills_pixparticipation_unique_sending"
            ),
            models.CheckConstraint(
                condition=Q(is_shared=True) | Q(sending_key=""), name="skills_pixparticipation_unshared_no_sending"
            ),
        ]
        indexes = [models.Index(fields=["agent", "shared_at"], name="skills_pixpart_agent_idx")]

    def __str__(self):
        return f"{self.campaign} · {self.first_name} {self.last_name}".strip()


class PixCompetenceResult(models.Model):
    """A participation's result on one CRCN competence: level and pix (profiles) or mastery (assessment)."""

    participation = models.ForeignKey(PixParticipation, on_delete=models.CASCADE, related_name="results")
    competence = models.ForeignKey(Competence, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField("niveau", null=True, blank=True)
    pix = models.PositiveSmallIntegerField("pix", null=True, blank=True)
    mastery = models.FloatField("maîtrise (0 à 1)", null=True, blank=True)
    skills_targeted = models.PositiveSmallIntegerField("acquis visés", null=True, blank=True)
    skills_validated = models.PositiveSmallIntegerField("acquis maîtrisés", null=True, blank=True)

    class Meta:
        verbose_name = "résultat par compétence"
        constraints = [
            models.UniqueConstraint(fields=["participation", "competence"], name="skills_pixcompetenceresult_unique"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=8), name="skills_pixcompetenceresult_level_range"
            ),
            models.CheckConstraint(
                condition=Q(mastery__isnull=True) | Q(mastery__gte=0, mastery__lte=1),
                name="skills_pixcompetenceresult_mastery_range",
            ),
        ]

    def __str__(self):
        return f"{self.participation} · {self.competence.code}"


__all__ = ["Band", "Competence", "Domain", "PixCampaign", "PixCompetenceResult", "PixParticipation"]
