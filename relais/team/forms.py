from django import forms

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.core.forms import Form, ModelForm
from relais.team.models import Recruit


class RecruitForm(ModelForm):
    class Meta:
        model = Recruit
        fields = [
            "first_name", "last_name", "email", "origin", "status", "pix_score", "interview_on", "decided_on",
            "decision_note", "starts_on", "mentor", "user",
        ]  # fmt: skip
        widgets = {
            "interview_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "decision_note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mediators = User.objects.filter(role=Role.MEDIATOR, is_active=True).order_by("last_name", "first_name")
        self.fields["mentor"].queryset = mediators
        self.fields["user"].queryset = mediators
        self.fields["user"].help_text = "Une fois le compte créé."

    def clean(self):
        data = super().clean()
        status, starts_on = data.get("status"), data.get("starts_on")
        if status in ("onboarding", "in_post") and not starts_on:
            self.add_error("starts_on", "Date de prise de poste manquante : elle compte dans l'effectif de l'équipe.")
        return data


class ShadowingForm(Form):
    visit = forms.ChoiceField(label="Visite en binôme")
    note = forms.CharField(label="Remarque", required=False, max_length=300)

    def __init__(self, *args, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.visits = {str(v.public_id): v for v in visits}
        self.fields["visit"].choices = [(str(v.public_id), f"{v.date:%d/%m/%Y} · {v.site.name}") for v in visits] or [
            ("", "Aucune visite du tuteur ou de la tutrice")
        ]

    def clean_visit(self):
        visit = self.visits.get(self.cleaned_data["visit"])
        if visit is None:
            raise forms.ValidationError("Choisissez une visite du tuteur ou de la tutrice.")
        return visit
