from django.db import models
from django.db.models import F, Q

from relais.accounts.scopes import direction_scope
from relais.core.models import PublicIdModel, TimestampedModel
from relais.organisation.enums import SiteKind, Weekday


class DirectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(direction_scope(user).q("pk"))


class Direction(PublicIdModel, TimestampedModel):
    code = models.CharField("code", max_length=16, unique=True)
    name = models.CharField("nom", max_length=200)

    objects = DirectionQuerySet.as_manager()

    class Meta:
        verbose_name = "direction"
        ordering = ["code"]

    def __str__(self):
        return self.code


class ServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(direction_scope(user).q("direction"))


class Service(PublicIdModel, TimestampedModel):
    direction = models.ForeignKey(
        Direction, verbose_name="direction", on_delete=models.PROTECT, related_name="services"
    )
    code = models.CharField("code", max_length=32, blank=True)
    name = models.CharField("nom", max_length=200)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = "service"
        ordering = ["direction__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["direction", "name"], name="organisation_service_unique_name"),
        ]

    def __str__(self):
        return f"{self.direction.code} · {self.name}" if self.direction_id else self.name


class SiteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A site is visible when its main direction is visible; city-wide users see all sites."""
        return self.filter(direction_scope(user).q("direction"))


class Site(PublicIdModel, TimestampedModel):
    """A place where agents work and mediators go: a crèche, a school, a cleaning depot…"""

    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=32, choices=SiteKind.choices, default=SiteKind.AUTRE)
    direction = models.ForeignKey(
        Direction,
        verbose_name="direction principale",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sites",
    )
    address = models.CharField("adresse", max_length=250, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, default="Paris")
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    is_active = models.BooleanField("en service", default=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = "site"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="organisation_site_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="organisation_site_longitude_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=SiteKind.values), name="organisation_site_kind_valid"),
        ]

    def __str__(self):
        return self.name


class OpeningHours(models.Model):
    """One opening period of a site on a weekday; several per day are allowed (closed at lunch)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    opens_at = models.TimeField("ouverture")
    closes_at = models.TimeField("fermeture")

    class Meta:
        verbose_name = "horaire d'ouverture"
        verbose_name_plural = "horaires d'ouverture"
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="organisation_openinghours_order"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class GatheringTime(models.Model):
    """A time when field staff are together on site (shift start, team briefing): the best moment to visit."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="gathering_times")
    weekday = models.PositiveSmallIntegerField("jour", choices=Weekday.choices)
    starts_at = models.TimeField("début")
    ends_at = models.TimeField("fin")
    label = models.CharField("moment", max_length=100, blank=True, help_text="Par exemple : prise de poste.")

    class Meta:
        verbose_name = "moment de regroupement"
        verbose_name_plural = "moments de regroupement"
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="organisation_gatheringtime_order"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}–{self.ends_at:%H:%M} {self.label}".strip()
