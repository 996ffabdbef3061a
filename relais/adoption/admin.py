from django.contrib import admin

from relais.adoption.models import Observation, Tool, ToolAccount


@admin.register(Tool)
class ToolAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position", "is_active"]
    prepopulated_fields = {"code": ["name"]}


class ObservationInline(admin.TabularInline):
    model = Observation
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in Observation._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ToolAccount)
class ToolAccountAdmin(admin.ModelAdmin):
    list_display = [
        "agent",
        "tool",
        "login",
        "provisioned_on",
        "activated_on",
        "last_activity_on",
        "disabled_on",
    ]
    list_filter = ["tool"]
    search_fields = ["agent__matricule", "agent__search_text", "login"]
    raw_id_fields = ["agent"]
    readonly_fields = ["provisioned_on", "activated_on", "last_activity_on", "disabled_on"]
    inlines = [ObservationInline]
    list_select_related = ["agent", "tool"]
