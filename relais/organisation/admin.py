from django.contrib import admin

from relais.organisation.models import Direction, GatheringTime, OpeningHours, Service, Site


@admin.register(Direction)
class DirectionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "direction", "code"]
    list_filter = ["direction"]
    search_fields = ["name", "code"]
    list_select_related = ["direction"]


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class GatheringTimeInline(admin.TabularInline):
    model = GatheringTime
    extra = 0


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "direction", "postcode", "is_active"]
    list_filter = ["kind", "direction", "is_active"]
    search_fields = ["name", "address", "postcode"]
    list_select_related = ["direction"]
    inlines = [OpeningHoursInline, GatheringTimeInline]
