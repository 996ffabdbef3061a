from django.contrib import admin
from django.db import transaction

from relais.journal.services import journal_record
from relais.retention.models import RetentionPolicy


@admin.register(RetentionPolicy)
class RetentionPolicyAdmin(admin.ModelAdmin):
    list_display = ["kind", "months", "is_active", "effect", "updated_at"]
    list_editable = ["months", "is_active"]
    readonly_fields = ["kind", "effect", "updated_at"]

    def has_add_permission(self, request):
        return False  # one row per kind, created by the migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            journal_record(
                acting_user=request.user,
                action="retention.policy_update",
                obj=obj,
                payload={"months": obj.months, "is_active": obj.is_active},
            )
