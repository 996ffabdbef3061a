from django.contrib import admin

from relais.team.models import HeadcountTarget, OnboardingModule, Recruit, TeachableTool
from relais.team.services import recruit_save


@admin.register(HeadcountTarget)
class HeadcountTargetAdmin(admin.ModelAdmin):
    list_display = ["headcount", "by_date", "note"]


@admin.register(OnboardingModule)
class OnboardingModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "is_checklist", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(Recruit)
class RecruitAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "status", "starts_on", "mentor"]
    list_filter = ["status", "origin"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["agent", "user", "mentor"]

    def save_model(self, request, obj, form, change):
        recruit_save(acting_user=request.user, recruit=obj)  # journaled like the team page's edits


@admin.register(TeachableTool)
class TeachableToolAdmin(admin.ModelAdmin):
    list_display = ["user", "tool", "level"]
    list_filter = ["tool", "level"]
