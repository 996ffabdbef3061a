from django.contrib import admin

from relais.interventions.models import Comment, InterventionRequest


class CommentInline(admin.TabularInline):
    model = Comment
    extra = 0
    readonly_fields = ["author", "body", "created_at"]


@admin.register(InterventionRequest)
class InterventionRequestAdmin(admin.ModelAdmin):
    # Read-only: the workflow goes through the services (journal, notifications).
    list_display = ["title", "direction", "status", "created_at", "scheduled_for", "rating"]
    list_filter = ["status", "direction"]
    inlines = [CommentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
