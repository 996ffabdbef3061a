from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from relais.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "directions"]
    filter_horizontal = ["directions", "groups", "user_permissions"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Rôle dans Relais", {"fields": ["role", "directions"]}),
    ]
