from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from relais.accounts.models import User
from relais.accounts.services import two_factor_reset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "directions"]
    filter_horizontal = ["directions", "groups", "user_permissions"]
    readonly_fields = ["oidc_subject"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Rôle dans Relais", {"fields": ["role", "directions", "oidc_subject"]}),
    ]
    actions = ["reset_two_factor"]

    @admin.action(description="Réinitialiser la double authentification (téléphone perdu)")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor_reset(user=user, acting_user=request.user)
        messages.success(
            request,
            f"Double authentification réinitialisée pour {queryset.count()} compte(s) : "
            "une nouvelle sera enregistrée à la prochaine connexion.",
        )
