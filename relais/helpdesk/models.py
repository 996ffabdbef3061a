"""The assistance line: tickets, their thread, SLA targets and opening hours, canned replies, surveys.

The requester is an agent of the referential when known (DOMAIN.md §7); an unknown caller keeps a name
and a phone number or e-mail until an operator matches them. "Created by" is the account that logged
the ticket (nobody for the public form and e-mail), kept apart from the requester.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from relais.accounts.enums import Role
from relais.accounts.scopes import direction_scope
from relais.core.models import PublicIdModel, TimestampedModel
from relais.helpdesk.enums import Channel, MessageKind, Priority, Status
from relais.organisation.enums import Weekday

FULL_VIEW_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.HELPDESK})


class TicketQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Operators, coordinators and administrators see every ticket; HR correspondents their
        directions' tickets; mediators the tickets they logged or hold; anybody else nothing."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in FULL_VIEW_ROLES:
            return self.all()
        if user.role == Role.HR:
            return self.filter(direction_scope(user).q("direction"))
        if user.role == Role.MEDIATOR:
            return self.filter(Q(created_by=user) | Q(assigned_to=user))
        return self.none()

    def open(self):
        return self.exclude(status__in=[Status.RESOLVED, Status.CLOSED, Status.DUPLICATE])


class Ticket(PublicIdModel, TimestampedModel):
    """A request for help; its integer key is the reference quoted to the agent ("[Relais #123]")."""

    requester = models.ForeignKey(
        "agents.Agent",
        verbose_name="agent demandeur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    caller_name = models.CharField("nom donné", max_length=150, blank=True)
    caller_phone = models.CharField("téléphone donné", max_length=32, blank=True)
    caller_email = models.EmailField("courriel donné", blank=True)
    caller_matricule = models.CharField("matricule donné", max_length=32, blank=True)
    caller_site = models.CharField("lieu de travail donné", max_length=200, blank=True)
    # The requester's direction at creation, copied so that HR visibility is one indexed filter.
    direction = models.ForeignKey(
        "organisation.Direction",
        verbose_name="direction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    site = models.ForeignKey(
        "organisation.Site", verbose_name="site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="saisi par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField("canal", max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        "knowledge.Topic",
        verbose_name="thème",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    priority = models.CharField("priorité", max_length=16, choices=Priority.choices, default=Priority.NORMAL)
    subject = models.CharField("objet", max_length=200)
    description = models.TextField("description", blank=True)
    status = models.CharField("statut", max_length=24, choices=Status.choices, default=Status.NEW)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="attribué à",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name="doublon de", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    it_reference = models.CharField("référence du ticket informatique", max_length=64, blank=True)
    escalated_at = models.DateTimeField("transmis à l'informatique le", null=True, blank=True)
    articles = models.ManyToManyField("knowledge.Article", verbose_name="guides liés", blank=True, related_name="+")
    resolved_first_contact = models.BooleanField("résolu au premier contact", default=False)

    # SLA: targets are computed by relais.helpdesk.sla and stored so that the queue sorts in SQL.
    first_responded_at = models.DateTimeField("première réponse le", null=True, blank=True)
    first_response_due_at = models.DateTimeField("première réponse attendue avant", null=True, blank=True)
    resolution_due_at = models.DateTimeField("résolution attendue avant", null=True, blank=True)
    resolved_at = models.DateTimeField("résolu le", null=True, blank=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    clock_stopped_at = models.DateTimeField("délai suspendu depuis", null=True, blank=True)
    paused_seconds = models.PositiveIntegerField("temps suspendu (secondes ouvrées)", default=0)
    # The next deadline of an open ticket and when to warn about it; null when none runs (paused, done).
    due_at = models.DateTimeField("prochaine échéance", null=True, blank=True)
    warn_at = models.DateTimeField("alerte à partir de", null=True, blank=True)

    # Not auto_now_add: e-mails and imports keep their own arrival time, and SLA tests set the clock.
    created_at = models.DateTimeField("créé le", default=timezone.now)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = "ticket"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="helpdesk_ticket_status_due_idx"),
            models.Index(fields=["due_at"], name="helpdesk_ticket_due_idx"),
            models.Index(fields=["assigned_to", "status"], name="helpdesk_ticket_assignee_idx"),
            models.Index(fields=["direction", "created_at"], name="helpdesk_ticket_dir_idx"),
            models.Index(fields=["created_at"], name="helpdesk_ticket_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="helpdesk_ticket_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="helpdesk_ticket_channel_valid"),
            models.CheckConstraint(condition=Q(priority__in=Priority.values), name="helpdesk_ticket_priority_valid"),
            models.CheckConstraint(
                condition=~Q(status=Status.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="helpdesk_ticket_duplicate_has_original",
            ),
            models.CheckConstraint(
                condition=Q(requester__isnull=False) | ~Q(caller_name="") | ~Q(caller_email="") | ~Q(caller_phone=""),
                name="helpdesk_ticket_requester_known",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def requester_label(self) -> str:
        if self.requester_id:
            return str(self.requester)
        return self.caller_name or self.caller_email or self.caller_phone

    @property
    def requester_email(self) -> str:
        if self.requester_id and self.requester.work_email:
            return self.requester.work_email
        return self.caller_email

    @property
    def is_open(self) -> bool:
        return self.status not in {Status.RESOLVED, Status.CLOSED, Status.DUPLICATE}


class TicketMessage(models.Model):
    """One entry of a ticket's thread: a reply to the agent, a message from them, or an internal note."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField("type", max_length=16, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField("texte")
    created_at = models.DateTimeField("date", auto_now_add=True)
    # The RFC 5322 Message-ID of the e-mail carrying this message, in or out: threading and de-duplication.
    email_message_id = models.CharField(max_length=250, blank=True, db_index=True)
    sender_email = models.EmailField("expéditeur", blank=True)

    class Meta:
        verbose_name = "message"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MessageKind.values), name="helpdesk_ticketmessage_kind_valid"),
            models.UniqueConstraint(
                fields=["email_message_id"],
                condition=~Q(email_message_id=""),
                name="helpdesk_ticketmessage_unique_email",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.ticket_id}"


class SlaTarget(models.Model):
    """Targets per priority, in business minutes (opening hours below, French public holidays excluded)."""

    priority = models.CharField("priorité", max_length=16, choices=Priority.choices, unique=True)
    first_response_minutes = models.PositiveIntegerField("première réponse (minutes ouvrées)")
    resolution_minutes = models.PositiveIntegerField("résolution (minutes ouvrées)")

    class Meta:
        verbose_name = "délai cible"
        verbose_name_plural = "délais cibles"
        constraints = [
            models.CheckConstraint(
                condition=Q(resolution_minutes__gte=models.F("first_response_minutes")),
                name="helpdesk_slatarget_resolution_after_response",
            ),
        ]

    def __str__(self):
        return f"{self.get_priority_display()} : {self.first_response_minutes} / {self.resolution_minutes} min"


class BusinessHours(models.Model):
    """One opening period of the assistance line; several per day are allowed."""

    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    opens_at = models.TimeField("ouverture")
    closes_at = models.TimeField("fermeture")

    class Meta:
        verbose_name = "horaire de la ligne"
        verbose_name_plural = "horaires de la ligne"
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="helpdesk_businesshours_order"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ClosedDay(models.Model):
    """A day the line is closed besides public holidays (a bridge day, a team day)."""

    day = models.DateField("jour", unique=True)
    label = models.CharField("motif", max_length=120, blank=True)

    class Meta:
        verbose_name = "jour de fermeture"
        verbose_name_plural = "jours de fermeture"
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} {self.label}".strip()


class HelpdeskSettings(models.Model):
    """The line's tunable parameters (one row): SLA warning threshold, satisfaction survey delay and rate."""

    warning_percent = models.PositiveSmallIntegerField("alerte avant dépassement (% du délai consommé)", default=80)
    survey_delay_hours = models.PositiveSmallIntegerField("envoi de l'enquête après (heures)", default=24)
    survey_rate_percent = models.PositiveSmallIntegerField("part des tickets enquêtés (%)", default=100)

    class Meta:
        verbose_name = "paramètres de l'assistance"
        verbose_name_plural = "paramètres de l'assistance"
        constraints = [
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1, warning_percent__lte=99), name="helpdesk_settings_warning_range"
            ),
            models.CheckConstraint(condition=Q(survey_rate_percent__lte=100), name="helpdesk_settings_rate_range"),
        ]

    def __str__(self):
        return "Paramètres de l'assistance"

    @classmethod
    def current(cls) -> "HelpdeskSettings":
        return cls.objects.order_by("pk").first() or cls()


class CannedReply(models.Model):
    title = models.CharField("titre", max_length=120)
    body = models.TextField("texte")
    category = models.ForeignKey(
        "knowledge.Topic", verbose_name="thème", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField("proposée", default=True)

    class Meta:
        verbose_name = "réponse type"
        verbose_name_plural = "réponses types"
        ordering = ["title"]

    def __str__(self):
        return self.title


class Survey(PublicIdModel):
    """A satisfaction survey drawn for a resolved ticket: sent after a delay, answered without login."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="survey")
    send_after = models.DateTimeField("à envoyer après")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    answered_at = models.DateTimeField("répondue le", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("note (1 à 5)", null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "enquête de satisfaction"
        verbose_name_plural = "enquêtes de satisfaction"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="helpdesk_survey_rating_range"
            ),
        ]

    def __str__(self):
        return f"Enquête {self.ticket_id}"


class MailFailure(models.Model):
    """An incoming e-mail whose processing failed: counted per run of `fetch_mail`, quarantined after a few.

    Keyed by the message's Message-ID (or a digest of its bytes when it has none), not by its IMAP UID,
    which changes when the folder is rebuilt. The row goes once the message is processed; a quarantined
    one stays until an operator has dealt with the message by hand and deletes the row (admin).
    """

    message_key = models.CharField("identifiant du message", max_length=250, unique=True)
    sender = models.CharField("expéditeur", max_length=250, blank=True)
    subject = models.CharField("objet", max_length=250, blank=True)
    attempts = models.PositiveSmallIntegerField("échecs", default=0)
    last_error = models.CharField("dernière erreur", max_length=500, blank=True)
    first_failed_at = models.DateTimeField("premier échec", default=timezone.now)
    last_failed_at = models.DateTimeField("dernier échec", default=timezone.now)
    quarantined_at = models.DateTimeField("mis en quarantaine le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel en échec"
        verbose_name_plural = "courriels en échec"
        ordering = ["-last_failed_at"]

    def __str__(self):
        return f"{self.subject or self.message_key} ({self.attempts} échecs)"
