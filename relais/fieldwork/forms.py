"""Forms of the phone screens. Free-text fields remind the mediator never to write sensitive data."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.adoption.models import Tool
from relais.agents.enums import Category
from relais.core.forms import Form
from relais.fieldwork.enums import (
    DURATIONS,
    MAX_DURATION_MINUTES,
    ActivityKind,
    Autonomy,
    Equipment,
    Level,
    Redirection,
    VisitOrigin,
)
from relais.fieldwork.models import SENSITIVE_HELP
from relais.fieldwork.permissions import can_plan_for_team
from relais.knowledge.models import Topic
from relais.organisation.models import Direction, Site


class IdempotentForm(Form):
    # Chosen by the phone when the mediator taps (outbox.js), or by the server when the page is drawn.
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)


class VisitCreateForm(IdempotentForm):
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(is_active=True),
        to_field_name="public_id",
        error_messages={"required": "Choisissez le site.", "invalid_choice": "Ce site est inconnu."},
    )
    date = forms.DateField(label="Date", initial=timezone.localdate)
    starts_at = forms.TimeField(label="Heure de début", required=False)
    origin = forms.ChoiceField(label="Origine", choices=VisitOrigin.choices, initial=VisitOrigin.SPONTANEOUS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # A mediator records their own visits; the coordinator plans them for the team and names who goes.
        if can_plan_for_team(user):
            self.fields["mediators"] = forms.ModelMultipleChoiceField(
                label="Médiateurs",
                queryset=User.objects.filter(role=Role.MEDIATOR, is_active=True).order_by("last_name", "first_name"),
                to_field_name="public_id",
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": "Choisissez au moins un médiateur.",
                    "invalid_choice": "Ce médiateur est inconnu ou n'a plus le rôle de médiateur.",
                    "invalid_pk_value": "Ce médiateur est inconnu.",
                },
            )


class VisitNotesForm(Form):
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=SENSITIVE_HELP
    )


class ActivityForm(IdempotentForm):
    kind = forms.ChoiceField(label="Type d'activité", choices=ActivityKind.choices, initial=ActivityKind.ONE_TO_ONE)
    title = forms.CharField(label="Titre de l'atelier", required=False, max_length=150)
    level = forms.ChoiceField(label="Niveau", choices=[("", "—"), *Level.choices], required=False)
    duration = forms.ChoiceField(
        label="Durée", choices=[(str(d), f"{d} min") for d in DURATIONS] + [("custom", "Autre")], initial="30"
    )
    custom_duration = forms.IntegerField(
        label="Autre durée (minutes)", required=False, min_value=1, max_value=MAX_DURATION_MINUTES
    )
    equipment = forms.ChoiceField(label="Matériel", choices=Equipment.choices, initial=Equipment.PHONE)
    topics = forms.ModelMultipleChoiceField(
        label="Thèmes",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None:
            # A topic withdrawn from the catalogue stays on the activities that had it, and in their edit form.
            self.fields["topics"].queryset = Topic.objects.filter(Q(is_active=True) | Q(activities=activity)).distinct()

    def clean(self):
        data = super().clean()
        if data.get("kind") == ActivityKind.WORKSHOP and not (data.get("title") or "").strip():
            self.add_error("title", "Un atelier a un titre.")
        if data.get("kind") != ActivityKind.WORKSHOP:
            data["level"] = ""
        if data.get("duration") == "custom":
            if not data.get("custom_duration"):
                self.add_error("custom_duration", "Indiquez la durée en minutes.")
            data["duration_minutes"] = data.get("custom_duration")
        elif data.get("duration"):
            data["duration_minutes"] = int(data["duration"])
        return data


class WalkInForm(IdempotentForm):
    direction = forms.ModelChoiceField(
        label="Direction",
        queryset=Direction.objects.all(),
        to_field_name="code",
        error_messages={"required": "Indiquez la direction de la personne."},
    )
    category = forms.ChoiceField(label="Catégorie", choices=[("", "Je ne sais pas"), *Category.choices], required=False)
    walk_in_label = forms.CharField(
        label="Prénom ou repère (facultatif)", required=False, max_length=80, help_text=SENSITIVE_HELP
    )


class AddAgentForm(IdempotentForm):
    agent = forms.UUIDField(widget=forms.HiddenInput)


class OutcomeForm(IdempotentForm):
    """One tap sets one outcome to a value (never a toggle), so a replayed tap changes nothing."""

    field = forms.ChoiceField(
        choices=[
            (f, f) for f in ("mailbox_activated", "password_reset", "autonomy", "followup", "redirected_to", "app")
        ]
    )
    value = forms.CharField(required=False, max_length=200)
    reason = forms.CharField(required=False, max_length=200)
    app = forms.SlugField(required=False)

    def outcomes(self) -> dict:
        """The keyword arguments of `outcome_record` for this tap."""
        field, value = self.cleaned_data["field"], self.cleaned_data["value"]
        on = value in ("1", "true", "on")
        if field in ("mailbox_activated", "password_reset"):
            return {field: on}
        if field == "autonomy":
            return {"autonomy": value if value in Autonomy.values else ""}
        if field == "redirected_to":
            return {"redirected_to": value if value in Redirection.values else ""}
        if field == "followup":
            return {"followup_needed": on, "followup_reason": self.cleaned_data["reason"] if on else ""}
        app = self.cleaned_data["app"]
        if not Tool.objects.filter(code=app).exists():
            raise forms.ValidationError("Application inconnue.")
        return {"apps": {app: on}}


class PublicSignInForm(Form):
    """The agent's own sign-in on the workshop sheet: matricule, or name with first name and direction."""

    matricule = forms.CharField(label="Votre matricule", required=False, max_length=32)
    last_name = forms.CharField(label="Votre nom", required=False, max_length=120)
    first_name = forms.CharField(label="Votre prénom", required=False, max_length=120)
    direction = forms.ModelChoiceField(
        label="Votre direction", queryset=Direction.objects.all(), required=False, to_field_name="code"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].label_from_instance = lambda d: f"{d.name} ({d.code})"

    def clean(self):
        data = super().clean()
        data["matricule"] = (data.get("matricule") or "").strip()
        if not data["matricule"] and not (
            (data.get("last_name") or "").strip() and (data.get("first_name") or "").strip()
        ):
            raise forms.ValidationError("Écrivez votre matricule, ou bien votre nom et votre prénom.")
        if not data["matricule"] and not data.get("direction"):
            self.add_error("direction", "Choisissez votre direction.")
        return data


class TopicForm(Form):
    name = forms.CharField(label="Intitulé du thème", max_length=150)
    is_active = forms.BooleanField(label="Proposé aux médiateurs", required=False, initial=True)
