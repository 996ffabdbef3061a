"""The topic catalogue and the knowledge base: plain-French guides for agents, scripts for the team."""

from django.db import models
from django.db.models import Q

from relais.accounts.enums import Role
from relais.core.models import PublicIdModel, TimestampedModel
from relais.knowledge.enums import Audience


class Topic(models.Model):
    """A subject the programme helps with (DOMAIN.md §5); the catalogue of ticket categories and request topics."""

    code = models.SlugField("code", max_length=48, unique=True)
    name = models.CharField("intitulé", max_length=120)
    position = models.PositiveSmallIntegerField("ordre", default=0)
    is_active = models.BooleanField("proposé", default=True)

    class Meta:
        verbose_name = "thème"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Published agent guides are public; scripts and drafts need a team account."""
        team = bool(
            user is not None
            and user.is_authenticated
            and user.is_active
            and (user.is_superuser or user.role in {Role.ADMIN, Role.COORDINATOR, Role.MEDIATOR, Role.HELPDESK})
        )
        if team:
            return self.all()
        return self.filter(is_published=True, audience=Audience.AGENT)


class Article(PublicIdModel, TimestampedModel):
    slug = models.SlugField("adresse", max_length=80, unique=True)
    title = models.CharField("titre", max_length=160)
    audience = models.CharField("public", max_length=16, choices=Audience.choices)
    topic = models.ForeignKey(
        Topic, verbose_name="thème", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    summary = models.TextField("en bref", blank=True, help_text="Deux ou trois phrases, en français simple.")
    is_published = models.BooleanField("publié", default=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = "article"
        ordering = ["audience", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(audience__in=Audience.values), name="knowledge_article_audience_valid"),
        ]

    def __str__(self):
        return self.title


class Step(models.Model):
    """One numbered step of an article, with an optional picture shipped as a static file."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField("ordre")
    text = models.TextField("consigne")
    # A path under static/ rather than an upload: pictures are reviewed like code, and need no media storage.
    image = models.CharField("image (chemin statique)", max_length=200, blank=True)
    image_alt = models.CharField("description de l'image", max_length=200, blank=True)

    class Meta:
        verbose_name = "étape"
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="knowledge_step_unique_position"),
            models.CheckConstraint(condition=Q(image="") | ~Q(image_alt=""), name="knowledge_step_image_has_alt"),
        ]

    def __str__(self):
        return f"{self.position}. {self.text[:60]}"
