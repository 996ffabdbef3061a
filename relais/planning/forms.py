import datetime

from django import forms

from relais.core.forms import Form, ModelForm
from relais.planning.models import PriorityWeights
from relais.planning.selectors import mediators_queryset


class WeekForm(Form):
    semaine = forms.CharField(label="Semaine (AAAA-Wnn)", max_length=8)
    mediators = forms.IntegerField(
        label="Avec combien de médiateurs ? (simulation si plus que l'équipe)",
        required=False,
        min_value=1,
        max_value=200,
        error_messages={"min_value": "Au moins 1 médiateur.", "max_value": "200 médiateurs au plus."},
    )


class MoveForm(Form):
    mediator = forms.ModelChoiceField(label="Médiateur ou médiatrice", queryset=mediators_queryset())
    date = forms.DateField(label="Jour", widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


class WeightsForm(ModelForm):
    class Meta:
        model = PriorityWeights
        fields = [
            "tool",
            "per_agent_without_account",
            "category_c_field_share",
            "per_day_since_visit",
            "days_since_visit_cap",
            "per_open_request",
            "per_open_followup",
            "per_agent_needing_help",
            "session_minutes",
            "session_capacity",
        ]


class ForecastForm(forms.Form):
    direction = forms.ChoiceField(label="Population", required=False)
    target = forms.IntegerField(
        label="Objectif : part des agents avec une messagerie activée (%)", min_value=1, max_value=100, initial=80
    )
    mediators = forms.IntegerField(label="Nombre de médiateurs", min_value=1, max_value=200, initial=19)
    deadline = forms.DateField(
        label="Date visée",
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=lambda: datetime.date.today() + datetime.timedelta(days=365),
    )

    def __init__(self, *args, directions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = [("", "Tous les agents")] + [(c, c) for c in directions]
