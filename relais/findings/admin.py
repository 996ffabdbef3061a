from django import forms
from django.contrib import admin

from relais.findings.models import CadreEmplois, Extract, Grade, RuleSetting
from relais.findings.rules import REGISTRY
from relais.journal.services import journal_record


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 1
    fields = ["label", "aliases"]


@admin.register(CadreEmplois)
class CadreEmploisAdmin(admin.ModelAdmin):
    list_display = ["name", "filiere", "category", "source"]
    list_filter = ["filiere", "category"]
    search_fields = ["name", "grades__label"]
    inlines = [GradeInline]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["label", "cadre"]
    list_filter = ["cadre__filiere"]
    search_fields = ["label", "aliases"]


class RuleSettingForm(forms.ModelForm):
    code = forms.ChoiceField(label="règle", choices=())

    class Meta:
        model = RuleSetting
        fields = ["code", "enabled", "severity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [
            (r.code, f"{r.code} — {r.title}") for r in sorted(REGISTRY.values(), key=lambda r: r.code)
        ]


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    """Switch a rule off or change its severity; each change is journaled."""

    form = RuleSettingForm
    list_display = ["code", "title", "enabled", "severity"]
    list_editable = ["enabled", "severity"]

    @admin.display(description="règle")
    def title(self, obj):
        rule = REGISTRY.get(obj.code)
        return rule.title if rule else "(règle inconnue)"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        journal_record(acting_user=request.user, action="findings.rule_setting", obj=obj,
                       payload={"regle": obj.code, "active": obj.enabled, "gravite": obj.severity})  # fmt: skip


@admin.register(Extract)
class ExtractAdmin(admin.ModelAdmin):
    list_display = ["source_name", "kind", "as_of", "rows", "findings_count", "opened", "closed", "recorded_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Extract._meta.fields if f.name != "staged"]
    exclude = ["staged"]

    def has_add_permission(self, request):
        return False
