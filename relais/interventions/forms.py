import re

from django import forms

from relais.accounts.enums import Role
from relais.accounts.models import User
from relais.agents.enums import Category
from relais.agents.models import Agent
from relais.core.forms import Form
from relais.fieldwork.models import Visit
from relais.interventions import selectors
from relais.interventions.enums import RequestStatus
from relais.knowledge.models import Topic
from relais.organisation.models import Direction, Service, Site

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(Form):
    direction = forms.ModelChoiceField(label="Direction", queryset=Direction.objects.none())
    title = forms.CharField(
        label="Intitulé", max_length=160, help_text="Par exemple : messagerie des gestionnaires RH."
    )
    goal = forms.CharField(label="Objectif", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    topics = forms.ModelMultipleChoiceField(
        label="Thèmes",
        queryset=Topic.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sites = forms.ModelMultipleChoiceField(label="Sites", queryset=Site.objects.none(), required=False)
    services = forms.ModelMultipleChoiceField(label="Services", queryset=Service.objects.none(), required=False)
    categories = forms.MultipleChoiceField(
        label="Catégories", choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    matricules = forms.CharField(
        label="Agents (matricules, un par ligne)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=50_000,
    )
    population_note = forms.CharField(
        label="Public visé, en clair", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    desired_start = forms.DateField(label="Période souhaitée : à partir du", required=False, widget=DATE)
    desired_end = forms.DateField(label="jusqu'au", required=False, widget=DATE)
    constraints = forms.CharField(
        label="Contraintes (horaires de prise de poste, lieux…)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    on_behalf_of = forms.ModelChoiceField(
        label="Pour le compte de (correspondant RH)",
        queryset=User.objects.filter(role=Role.HR, is_active=True),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["direction"].queryset = Direction.objects.visible_to(user)
        self.fields["sites"].queryset = Site.objects.visible_to(user).filter(is_active=True)
        self.fields["services"].queryset = Service.objects.visible_to(user).select_related("direction")
        if user.role == Role.HR:
            del self.fields["on_behalf_of"]

    def clean(self):
        data = super().clean()
        tokens = [t for t in re.split(r"[\s,;]+", data.get("matricules") or "") if t]
        agents = {a.matricule: a for a in Agent.objects.visible_to(self.user).filter(matricule__in=tokens)}
        unknown = [t for t in tokens if t not in agents]
        if unknown:
            self.add_error("matricules", f"Matricules inconnus : {', '.join(unknown[:20])}.")
        data["agents"] = list(agents.values())
        return data


class DecisionForm(Form):
    reason = forms.CharField(
        label="Motif (obligatoire pour un refus)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class VisitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, visit):
        when = f"{visit.date:%d/%m/%Y}" + (f" à {visit.starts_at:%H:%M}" if visit.starts_at else "")
        return f"{when} · {visit.site.name} ({visit.get_status_display().lower()})"


class ScheduleForm(Form):
    visits = VisitChoiceField(
        label="Visites qui servent la demande",
        queryset=Visit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les visites prévues sur les sites de la direction, celles des sites demandés d'abord.",
    )
    scheduled_for = forms.DateField(
        label="Date prévue", required=False, widget=DATE, help_text="Par défaut, la date de la première visite."
    )
    note = forms.CharField(
        label="Précisions", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )

    def __init__(self, *args, request, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visits"].queryset = selectors.schedulable_visits(request, user=user)


class DoneForm(Form):
    done_on = forms.DateField(label="Réalisée le", widget=DATE)


class AssessForm(Form):
    rating = forms.TypedChoiceField(
        label="Votre note",
        coerce=int,
        choices=[(5, "5 – Très satisfait"), (4, "4"), (3, "3"), (2, "2"), (1, "1 – Pas du tout")],
    )
    text = forms.CharField(
        label="Votre appréciation", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class CommentForm(Form):
    body = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *RequestStatus.choices])
    direction = forms.ModelChoiceField(
        label="Direction", queryset=Direction.objects.none(), required=False, empty_label="Toutes"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].queryset = Direction.objects.visible_to(user)
