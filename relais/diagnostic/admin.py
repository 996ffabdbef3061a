from django.contrib import admin

from relais.diagnostic.models import Choice, Item, Scale, Session


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    min_num = 3
    max_num = 4


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "question", "scale", "competence", "discrimination", "difficulty", "is_active"]
    list_filter = ["scale", "competence", "is_active"]
    search_fields = ["code", "question"]
    list_editable = ["is_active"]
    readonly_fields = ["calibrated_at", "calibration_answers"]
    inlines = [ChoiceInline]


@admin.register(Scale)
class ScaleAdmin(admin.ModelAdmin):
    list_display = ["topic", "profile_tool", "guided_theta", "autonomous_theta"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    """Read only: sessions are answers of agents, changed by nobody."""

    list_display = ["created_at", "direction", "site", "items_count", "finished_at"]
    list_filter = ["direction"]
    fields = ["created_at", "direction", "site", "mediator", "agreement_at", "items_count", "finished_at", "bands"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
