from django.contrib import admin

from relais.skills.models import Competence, Domain, PixCampaign, PixParticipation, ToolCompetence


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "domain"]


@admin.register(ToolCompetence)
class ToolCompetenceAdmin(admin.ModelAdmin):
    """Which competences tell how much help an agent needs with each tool (thresholds of the bands)."""

    list_display = ["tool", "competence", "guided_level", "autonomous_level", "guided_mastery", "autonomous_mastery"]
    list_filter = ["tool"]


@admin.register(PixCampaign)
class PixCampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "pix_id", "code", "kind", "external_id_label"]
    readonly_fields = ["pix_id", "kind"]


@admin.register(PixParticipation)
class PixParticipationAdmin(admin.ModelAdmin):
    """Read only: participations come from Pix Orga exports (imports page or `import_pix`)."""

    list_display = ["campaign", "last_name", "first_name", "external_id", "agent", "is_shared", "shared_at"]
    list_filter = ["campaign", "is_shared", "match_method"]
    search_fields = ["last_name", "first_name", "external_id"]
    raw_id_fields = ["agent"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
