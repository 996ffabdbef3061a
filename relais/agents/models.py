import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q

from relais.accounts.scopes import direction_scope
from relais.agents.enums import Category, Filiere, Statut
from relais.core.models import PublicIdModel, TimestampedModel
from relais.core.text import fold


class AgentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The agents `user` may see; the only way views and selectors reach agents."""
        return self.filter(direction_scope(user).q("direction"))

    def matching(self, text: str, *, max_tokens: int = 4):
        """Agents for whom every typed word starts a word of the folded "usage last first matricule" text.

        Word prefixes, not a bare `contains`: "mar" finds Martin and Marie but not Omar, which is what
        people expect when typing the beginning of a name, and a matricule is typed from its start.
        On PostgreSQL the trigram index of migration 0002 serves `LIKE '% mar%'`; on SQLite it scans one
        narrow column of the rows already filtered, a few milliseconds at 50,000 agents.
        """
        qs = self
        for token in fold(text).split()[:max_tokens]:
            qs = qs.filter(Q(search_text__startswith=token) | Q(search_text__contains=f" {token}"))
        return qs

    def in_post(self, on: datetime.date | None = None):
        """Agents in post on a day: arrived (or arrival unknown) and not yet left."""
        on = on or datetime.date.today()
        return self.filter(Q(entry_date__isnull=True) | Q(entry_date__lte=on)).filter(
            Q(exit_date__isnull=True) | Q(exit_date__gt=on)
        )


class Agent(PublicIdModel, TimestampedModel):
    """An employee of the referential, identified by the HR matricule (the join key between systems).

    Holds the minimum Relais needs (DOMAIN.md §6): never the NIR, never bank details.
    """

    # Unique through a constraint, not `unique=True`: on PostgreSQL that would add a second, pattern-ops
    # index nobody uses, and every index slows the imports (migration 0004).
    matricule = models.CharField("matricule", max_length=32)
    last_name = models.CharField("nom de famille", max_length=120)
    usage_name = models.CharField("nom d'usage", max_length=120, blank=True)
    # Blank allowed: an extract line without a first name is kept, with a warning (issue 12 §2).
    first_name = models.CharField("prénom", max_length=120, blank=True)
    category = models.CharField("catégorie", max_length=1, choices=Category.choices, blank=True)
    filiere = models.CharField("filière", max_length=32, choices=Filiere.choices, blank=True)
    statut = models.CharField("statut", max_length=16, choices=Statut.choices, blank=True)
    grade = models.CharField("grade", max_length=150, blank=True)
    job_title = models.CharField("emploi", max_length=150, blank=True)
    direction = models.ForeignKey(
        "organisation.Direction",
        verbose_name="direction",
        on_delete=models.PROTECT,
        related_name="agents",
        db_index=False,  # the (direction, last_name, first_name) index serves direction lookups
    )
    service = models.ForeignKey(
        "organisation.Service",
        verbose_name="service",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agents",
    )
    site = models.ForeignKey(
        "organisation.Site",
        verbose_name="site d'affectation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agents",
    )
    uses_computer = models.BooleanField(
        "utilise un ordinateur au travail", null=True, blank=True, help_text="Vide si on ne sait pas."
    )
    work_phone = models.CharField("téléphone professionnel", max_length=32, blank=True)
    work_email = models.EmailField("courriel professionnel", blank=True)
    hr_manager = models.ForeignKey(
        "agents.HRManager",
        verbose_name="gestionnaire RH",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_files",
        help_text="La personne qui gère le dossier RH, telle que l'extraction RH la nomme.",
    )
    entry_date = models.DateField("date d'entrée", null=True, blank=True)
    exit_date = models.DateField("date de sortie", null=True, blank=True)
    # Folded "usage-or-last first matricule" text, kept in step by save() and the bulk writers,
    # so that search is one indexed column instead of several case- and accent-insensitive scans.
    # Its indexes differ by database (migration 0003): a plain B-tree on SQLite; on PostgreSQL a
    # pattern-ops B-tree for prefixes and a trigram GIN for words inside names.
    search_text = models.CharField(max_length=400, editable=False)

    objects = AgentQuerySet.as_manager()

    class Meta:
        verbose_name = "agent"
        ordering = ["last_name", "first_name", "matricule"]
        indexes = [
            models.Index(fields=["direction", "last_name", "first_name"], name="agents_agent_dir_name_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(entry_date__isnull=True) | Q(exit_date__gte=F("entry_date")),
                name="agents_agent_exit_after_entry",
            ),
            models.CheckConstraint(
                condition=Q(category__in=[*Category.values, ""]), name="agents_agent_category_valid"
            ),
            models.CheckConstraint(condition=~Q(matricule=""), name="agents_agent_matricule_not_empty"),
            models.UniqueConstraint(fields=["matricule"], name="agents_agent_matricule_unique"),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.matricule})"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.usage_name or self.last_name}".strip()

    def is_in_post(self, on: datetime.date | None = None) -> bool:
        on = on or datetime.date.today()
        arrived = self.entry_date is None or self.entry_date <= on
        return arrived and (self.exit_date is None or self.exit_date > on)

    @staticmethod
    def build_search_text(*, last_name: str, usage_name: str, first_name: str, matricule: str) -> str:
        names = " ".join(part for part in (usage_name, last_name, first_name) if part)
        return f"{fold(names)} {fold(matricule)}".strip()

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text(
            last_name=self.last_name,
            usage_name=self.usage_name,
            first_name=self.first_name,
            matricule=self.matricule,
        )
        super().save(*args, **kwargs)


class HRKind(models.TextChoices):
    """How an extract names an HR manager (its "Gestionnaire RH" cell)."""

    MATRICULE = "matricule", "matricule d'agent"
    EMAIL = "email", "adresse électronique"
    CODE = "code", "code"
    NAME = "name", "nom"


class HRManagerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The HR managers `user` may see; the only way views and selectors reach them.

        Same direction scope as agents: city-wide roles see all; an HR correspondent sees the HR managers
        who manage files in one of their directions or who are themselves agents of one of them.
        """
        scope = direction_scope(user)
        if scope.everything:
            return self.all()
        if not scope.direction_ids:
            return self.none()
        files_in_scope = Agent.objects.filter(scope.q("direction"), hr_manager=OuterRef("pk"))
        return self.filter(Q(agent__direction__in=sorted(scope.direction_ids)) | Exists(files_in_scope))


class HRManager(PublicIdModel, TimestampedModel):
    """An HR manager (gestionnaire RH) as the HR extracts name them: a matricule, a code, an e-mail or a name.

    A referential of its own (issue 12 §2): extracts rarely name them by matricule, and the HR data-reliability
    findings are given to them whether or not they are agents or users of Relais. `agent` and `user` are set
    when the value allows an unambiguous match (`relais.agents.hr_managers.resolve`).
    """

    label = models.CharField("libellé", max_length=200, help_text="Tel que l'extraction l'écrit.")
    key = models.CharField("clé", max_length=220, editable=False)
    kind = models.CharField("forme", max_length=16, choices=HRKind.choices)
    agent = models.ForeignKey(
        Agent,
        verbose_name="agent correspondant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hr_manager_profiles",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur correspondant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hr_manager_profiles",
    )
    email = models.EmailField("courriel", blank=True)

    objects = HRManagerQuerySet.as_manager()

    class Meta:
        verbose_name = "gestionnaire RH"
        verbose_name_plural = "gestionnaires RH"
        ordering = ["label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="agents_hrmanager_key_unique"),
            models.CheckConstraint(condition=Q(kind__in=HRKind.values), name="agents_hrmanager_kind_valid"),
            models.CheckConstraint(condition=~Q(key=""), name="agents_hrmanager_key_not_empty"),
        ]

    def __str__(self):
        return self.label
