from django.contrib import admin

from relais.helpdesk.models import (
    BusinessHours,
    CannedReply,
    ClosedDay,
    HelpdeskSettings,
    MailFailure,
    SlaTarget,
    Survey,
    Ticket,
)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    # Read-only: tickets change through the services (journal, SLA), never by hand in the admin.
    list_display = ["pk", "subject", "channel", "status", "priority", "assigned_to", "created_at", "due_at"]
    list_filter = ["status", "channel", "priority"]
    search_fields = ["subject", "caller_name", "requester__search_text"]
    raw_id_fields = ["requester", "duplicate_of"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ["priority", "first_response_minutes", "resolution_minutes"]


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin):
    list_display = ["weekday", "opens_at", "closes_at"]


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["day", "label"]


@admin.register(HelpdeskSettings)
class HelpdeskSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "warning_percent", "survey_delay_hours", "survey_rate_percent"]

    def has_add_permission(self, request):
        return not HelpdeskSettings.objects.exists()


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "is_active"]
    list_filter = ["is_active", "category"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["ticket", "send_after", "sent_at", "answered_at", "rating"]
    readonly_fields = ["ticket", "send_after", "sent_at", "answered_at", "rating", "comment"]


@admin.register(MailFailure)
class MailFailureAdmin(admin.ModelAdmin):
    # Read-only; deleting a quarantined row says "dealt with by hand" and clears the queue's notice.
    list_display = ["subject", "sender", "attempts", "last_failed_at", "quarantined_at"]
    list_filter = [("quarantined_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "sender", "message_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
