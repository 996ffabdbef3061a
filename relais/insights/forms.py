import datetime

from django import forms
from django.utils import timezone

from relais.adoption.models import MAILBOX, Tool
from relais.agents.enums import Category, Filiere, Statut
from relais.core.forms import ModelForm
from relais.insights.models import Campaign
from relais.insights.population import PopulationFilter
from relais.organisation.enums import SiteKind
from relais.organisation.models import Direction

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DashboardFilterForm(forms.Form):
    """Filters of the adoption page: tool, day, direction, category, site kind (all optional)."""

    outil = forms.ModelChoiceField(
        label="Outil",
        queryset=Tool.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=None,
    )
    jour = forms.DateField(label="Situation au", required=False, widget=DATE_INPUT)
    direction = forms.ModelChoiceField(
        label="Direction",
        queryset=Direction.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="Toutes",
    )
    categorie = forms.ChoiceField(label="Catégorie", required=False, choices=[("", "Toutes"), *Category.choices])
    type_site = forms.ChoiceField(label="Type de site", required=False, choices=[("", "Tous"), *SiteKind.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].queryset = Direction.objects.visible_to(user).order_by("code")
        self.fields["outil"].initial = Tool.objects.filter(code=MAILBOX).first()

    def clean_jour(self):
        day = self.cleaned_data.get("jour")
        today = timezone.localdate()
        if day and day > today:
            raise forms.ValidationError("La situation ne peut pas être demandée pour un jour futur.")
        if day and day < datetime.date(2000, 1, 1):
            raise forms.ValidationError("Date trop ancienne.")
        return day

    def values(self) -> tuple[Tool | None, datetime.date, PopulationFilter]:
        """(tool, day, population) from valid data, defaults otherwise (an invalid field is ignored)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        tool = data.get("outil") or self.fields["outil"].initial or Tool.objects.filter(is_active=True).first()
        day = data.get("jour") or timezone.localdate()
        direction = data.get("direction")
        population = PopulationFilter(
            directions=(direction.pk,) if direction else (),
            categories=(data["categorie"],) if data.get("categorie") else (),
            site_kinds=(data["type_site"],) if data.get("type_site") else (),
        )
        return tool, day, population


class PeriodForm(forms.Form):
    debut = forms.DateField(label="Du", required=False, widget=DATE_INPUT)
    fin = forms.DateField(label="Au", required=False, widget=DATE_INPUT)

    def period(self) -> tuple[datetime.date, datetime.date]:
        """The chosen period, by default the twelve months up to today."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("fin") or timezone.localdate()
        start = data.get("debut") or (end.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
        if start > end:
            start, end = end, start
        return start, end


class CampaignForm(ModelForm):
    directions = forms.ModelMultipleChoiceField(
        label="Directions",
        queryset=Direction.objects.order_by("code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune case cochée : toutes les directions.",
    )
    categories = forms.MultipleChoiceField(
        label="Catégories", choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    site_kinds = forms.MultipleChoiceField(
        label="Types de site", choices=SiteKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    statuts = forms.MultipleChoiceField(
        label="Statuts", choices=Statut.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    filieres = forms.MultipleChoiceField(
        label="Filières", choices=Filiere.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_percent = forms.IntegerField(
        label="Objectif (% des agents avec un compte activé)", min_value=1, max_value=100, initial=80
    )

    class Meta:
        model = Campaign
        fields = ["name", "purpose", "tool", "deadline"]
        widgets = {"deadline": DATE_INPUT, "purpose": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tool"].queryset = Tool.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["target_percent"].initial = round(self.instance.target_share * 100)
            for name in ("categories", "site_kinds", "statuts", "filieres"):
                self.fields[name].initial = getattr(self.instance, name)

    def campaign_data(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "purpose": data["purpose"],
            "tool": data["tool"],
            "deadline": data["deadline"],
            "target_share": data["target_percent"] / 100,
            "directions": list(data["directions"]),
            "categories": list(data["categories"]),
            "site_kinds": list(data["site_kinds"]),
            "statuts": list(data["statuts"]),
            "filieres": list(data["filieres"]),
        }


class WhatIfForm(forms.Form):
    mediateurs = forms.IntegerField(label="Avec combien de médiateurs ?", min_value=1, max_value=200, required=False)
