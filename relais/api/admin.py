from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from relais.api.models import ApiApplication, ApiToken
from relais.api.services import application_create, application_set_directions, token_revoke
from relais.core.forms import ModelForm
from relais.organisation.models import Direction


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by `manage.py api_token` (shown once); here they are listed and revoked."""

    list_display = ["prefix", "name", "owner", "scopes", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "application"]
    search_fields = ["prefix", "name", "user__username", "application__name"]
    readonly_fields = [
        "prefix",
        "name",
        "user",
        "application",
        "scopes",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    exclude = ["key_hash"]
    actions = ["revoke"]

    @admin.display(description="titulaire")
    def owner(self, obj):
        return obj.owner_label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never erased: the journal names it

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Révoquer les jetons choisis")
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            token_revoke(acting_user=request.user, token=token)
            count += 1
        self.message_user(request, f"{count} jeton(s) révoqué(s).", messages.SUCCESS)


class ApiApplicationForm(ModelForm):
    directions = forms.ModelMultipleChoiceField(
        Direction.objects.all(),
        label="directions visibles",
        required=False,
        help_text="L'application ne voit que ces directions, comme un correspondant RH de ces directions.",
    )

    class Meta:
        model = ApiApplication
        fields = ["name", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["directions"].initial = list(self.instance.principal.directions.all())


@admin.register(ApiApplication)
class ApiApplicationAdmin(admin.ModelAdmin):
    form = ApiApplicationForm
    list_display = ["name", "directions_list", "created_at"]
    search_fields = ["name"]
    fields = ["name", "description", "directions"]

    @admin.display(description="directions")
    def directions_list(self, obj):
        return ", ".join(obj.principal.directions.values_list("code", flat=True)) or "aucune"

    def save_model(self, request, obj, form, change):
        directions = form.cleaned_data["directions"]
        if change:
            obj.save()
            application_set_directions(acting_user=request.user, application=obj, directions=directions)
            return
        try:
            created = application_create(
                acting_user=request.user, name=obj.name, description=obj.description, directions=directions
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        obj.pk, obj.principal_id, obj._state.adding = created.pk, created.principal_id, False

    def has_delete_permission(self, request, obj=None):
        return False
