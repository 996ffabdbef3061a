from django.contrib import admin

from relais.imports.models import ColumnAlias, ImportProfile, ImportRun


@admin.register(ColumnAlias)
class ColumnAliasAdmin(admin.ModelAdmin):
    """Header mappings an administrator adds without code (compared folded, like the built-in ones)."""

    list_display = ["header", "target", "kind"]
    list_filter = ["kind", "target"]
    search_fields = ["header"]
    fields = ["kind", "header", "target"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The record of imports, read only: runs are made from the import pages or commands."""

    list_display = ["created_at", "file_name", "kind", "status", "created_by", "count_new", "count_updated",
                    "count_leaving", "count_rejected"]  # fmt: skip
    list_filter = ["kind", "status"]
    search_fields = ["file_name", "checksum"]
    exclude = ["staged_data", "rejected"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("staged_data", "rejected")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportProfile)
class ImportProfileAdmin(admin.ModelAdmin):
    """Import profiles are made from the mapping step; here they are renamed, looked at or deleted."""

    list_display = ["name", "kind", "source", "created_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["name"]
    fields = ["name", "kind", "source", "headers", "mapping", "date_orders"]
    readonly_fields = ["kind", "source", "headers", "mapping", "date_orders"]

    def has_add_permission(self, request):
        return False
