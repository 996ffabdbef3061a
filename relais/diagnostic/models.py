"""The adaptive diagnostic: its item bank (data, edited in the admin) and the sessions agents take.

A session is anonymous by default: it keeps only the site and the direction the agent chose, never a name,
an address or an IP. It is attached to an agent only when a mediator ran it with them and ticked the agent's
agreement (`relais.diagnostic.services.session_attach_agent`, journaled).
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from relais.accounts.scopes import direction_scope
from relais.core.models import PublicIdModel, TimestampedModel
from relais.skills.enums import Band

# What a picture may hold: drawing elements only. It is shown as it is on a public page.
UNSAFE_SVG = re.compile(r"<\s*(script|foreignobject|iframe|image|use|a)\b|\bon\w+\s*=|javascript:|href", re.IGNORECASE)


def validate_svg(value: str) -> None:
    if not value:
        return
    if not value.lstrip().startswith("<svg") or UNSAFE_SVG.search(value):
        raise ValidationError(
            "Image : un dessin SVG simple est attendu (commençant par <svg), sans script, lien ni image externe."
        )


class Scale(models.Model):
    """A tool of the diagnostic (a knowledge topic) and its two cut points on the ability scale θ.

    θ below `guided_theta` means "à accompagner", from `autonomous_theta` "autonome". `profile_tool` is the
    programme tool whose skill profile the band feeds (the weakest band of its diagnostic tools counts).
    """

    topic = models.OneToOneField(
        "knowledge.Topic", verbose_name="outil (thème)", on_delete=models.PROTECT, related_name="diagnostic_scale"
    )
    profile_tool = models.ForeignKey(
        "adoption.Tool",
        verbose_name="profil de l'outil alimenté",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    guided_theta = models.FloatField("seuil « avec guidage » (θ)")
    autonomous_theta = models.FloatField("seuil « autonome » (θ)")
    help_next = models.TextField("à apprendre ensuite si « à accompagner »")
    guided_next = models.TextField("à apprendre ensuite si « avec guidage »")
    autonomous_next = models.TextField("conseil si « autonome »")

    class Meta:
        verbose_name = "outil du diagnostic"
        verbose_name_plural = "outils du diagnostic"
        ordering = ["topic__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(autonomous_theta__gt=models.F("guided_theta")), name="diagnostic_scale_cuts_ordered"
            ),
        ]

    def __str__(self):
        return str(self.topic)

    def next_step(self, band: str) -> str:
        return {Band.HELP: self.help_next, Band.GUIDED: self.guided_next}.get(band, self.autonomous_next)


class Item(TimestampedModel):
    """One question of the bank: a tool, a CRCN competence, its 2PL parameters, 3 or 4 choices (one right)."""

    code = models.SlugField("code", max_length=40, unique=True)
    scale = models.ForeignKey(Scale, verbose_name="outil", on_delete=models.PROTECT, related_name="items")
    competence = models.ForeignKey(
        "skills.Competence", verbose_name="compétence du CRCN", on_delete=models.PROTECT, related_name="+"
    )
    question = models.CharField("question", max_length=300, help_text="Courte, en français simple.")
    picture = models.TextField("dessin (SVG)", blank=True, validators=[validate_svg])
    picture_alt = models.CharField("description du dessin", max_length=200, blank=True)
    discrimination = models.FloatField("discrimination (a)", default=1.5)
    difficulty = models.FloatField("difficulté (b)", default=0.0)
    is_active = models.BooleanField("en service", default=True)
    calibrated_at = models.DateTimeField("recalibrée le", null=True, blank=True)
    calibration_answers = models.PositiveIntegerField("réponses utilisées pour la calibration", default=0)

    class Meta:
        verbose_name = "question"
        ordering = ["scale__topic__position", "difficulty"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discrimination__gt=0, discrimination__lte=4), name="diagnostic_item_discrimination_range"
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=-4, difficulty__lte=4), name="diagnostic_item_difficulty_range"
            ),
            models.CheckConstraint(condition=Q(picture="") | ~Q(picture_alt=""), name="diagnostic_item_picture_alt"),
        ]

    def __str__(self):
        return f"{self.code} · {self.question[:60]}"


class Choice(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField("ordre")
    text = models.CharField("réponse", max_length=200)
    is_correct = models.BooleanField("bonne réponse", default=False)

    class Meta:
        verbose_name = "réponse proposée"
        verbose_name_plural = "réponses proposées"
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="diagnostic_choice_unique_position"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(is_correct=True), name="diagnostic_choice_one_correct"
            ),
        ]

    def __str__(self):
        return self.text


class SessionQuerySet(models.QuerySet):
    def finished(self):
        return self.filter(finished_at__isnull=False)

    def visible_to(self, user):
        """Team members see every session; an HR correspondent those of their directions (agent's or chosen)."""
        scope = direction_scope(user)
        if scope.everything:
            return self
        return self.filter(scope.q("agent__direction") | (Q(agent__isnull=True) & scope.q("direction")))


class Session(PublicIdModel, TimestampedModel):
    """One taking of the diagnostic. `bands` ({topic code: Band}) are written when it ends."""

    direction = models.ForeignKey(
        "organisation.Direction", verbose_name="direction", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    site = models.ForeignKey(
        "organisation.Site", verbose_name="site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="médiateur", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    agent = models.ForeignKey(
        "agents.Agent", verbose_name="agent", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="diagnostic_sessions",
    )  # fmt: skip
    agreement_at = models.DateTimeField("accord de l'agent le", null=True, blank=True)
    pending_item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    theta = models.FloatField("θ estimé", null=True, blank=True)
    standard_error = models.FloatField("erreur type", null=True, blank=True)
    items_count = models.PositiveSmallIntegerField("questions posées", default=0)
    bands = models.JSONField("niveaux par outil", default=dict, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agent__isnull=True) | Q(agreement_at__isnull=False, mediator__isnull=False),
                name="diagnostic_session_agent_needs_agreement",
            ),
        ]
        indexes = [models.Index(fields=["finished_at"], name="diag_session_finished_idx")]

    def __str__(self):
        return f"Diagnostic du {self.created_at:%d/%m/%Y}" if self.created_at else "Diagnostic"


class Answer(models.Model):
    """One answer: the choice (none for "Je ne sais pas"), scored, with the estimate after it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    position = models.PositiveSmallIntegerField("rang")
    choice = models.ForeignKey(Choice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    is_correct = models.BooleanField("juste")
    theta_after = models.FloatField()
    se_after = models.FloatField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "réponse"
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="diagnostic_answer_unique_position"),
            models.UniqueConstraint(fields=["session", "item"], name="diagnostic_answer_unique_item"),
        ]

    def __str__(self):
        return f"{self.session} · {self.position + 1}"
