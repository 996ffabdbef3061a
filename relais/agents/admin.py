from django.contrib import admin

from relais.agents import services
from relais.agents.models import Agent


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
