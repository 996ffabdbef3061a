from django.contrib import admin

from relais.agents import services
from relais.agents.models import Agent, HRManager


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["matricule", "last_name", "first_name", "category", "direction", "site", "exit_date"]
    list_filter = ["category", "statut", "filiere", "direction"]
    search_fields = ["matricule", "search_text"]
    raw_id_fields = ["service", "site", "hr_manager"]
    list_select_related = ["direction", "site"]
    readonly_fields = ["public_id", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Through the service, so that the change is journaled in the same transaction.
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            services.agent_update(agent=obj, acting_user=request.user, **fields)
        else:
            saved = services.agent_create(acting_user=request.user, **form.cleaned_data)
            obj.pk, obj.public_id = saved.pk, saved.public_id

    def delete_model(self, request, obj):
        services.agent_delete(agent=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for agent in queryset:
            services.agent_delete(agent=agent, acting_user=request.user)


@admin.register(HRManager)
class HRManagerAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "agent", "user", "email"]
    list_filter = ["kind"]
    search_fields = ["label", "key", "email"]
    raw_id_fields = ["agent", "user"]
    list_select_related = ["agent", "user"]
    readonly_fields = ["public_id", "key", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Through the service: the key follows the label, and the change is journaled.
        fields = {name: form.cleaned_data[name] for name in (form.changed_data if change else form.cleaned_data)}
        services.hr_manager_save(manager=obj, acting_user=request.user, fields=fields)

    def delete_model(self, request, obj):
        services.hr_manager_delete(manager=obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for manager in queryset:
            services.hr_manager_delete(manager=manager, acting_user=request.user)
