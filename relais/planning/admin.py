from django.contrib import admin

from relais.planning.models import Absence, MediatorProfile, PriorityWeights


@admin.register(MediatorProfile)
class MediatorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "office_label", "day_starts_at", "day_ends_at", "preferred_postcodes"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["mediator", "starts_on", "ends_on", "label"]
    list_filter = ["starts_on"]


@admin.register(PriorityWeights)
class PriorityWeightsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "updated_at"]
