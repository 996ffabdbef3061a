from django import forms
from django.conf import settings

from relais.adoption.models import Tool
from relais.core.forms import Form
from relais.imports.adoption import IMPORTABLE_SOURCES, SOURCE_LABELS
from relais.imports.archive import size_label
from relais.imports.enums import ImportKind, ImportMode


class ImportForm(Form):
    kind = forms.ChoiceField(label="Type de fichier", choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label="Fichier",
        help_text="CSV (séparateur point-virgule, virgule ou tabulation ; UTF-8 ou Windows-1252) ou XLSX.",
    )
    mode = forms.ChoiceField(
        label="Étendue de l'extraction RH",
        choices=ImportMode.choices,
        initial=ImportMode.PARTIAL,
        widget=forms.RadioSelect,
        required=False,
        help_text="Seulement pour une extraction RH. Une extraction complète marque comme partis les agents absents.",
    )
    source = forms.ChoiceField(
        label="Source du rapport",
        choices=[("", "Reconnaître d'après les en-têtes")] + [(s, SOURCE_LABELS[s]) for s in IMPORTABLE_SOURCES],
        required=False,
        help_text="Seulement pour un rapport d'utilisation.",
    )
    tool = forms.ModelChoiceField(
        label="Outil concerné",
        queryset=Tool.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label=None,
        help_text="Seulement pour un rapport d'utilisation (la messagerie, le plus souvent).",
    )
    as_of = forms.DateField(
        label="Date de situation",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Date de l'extraction ou du rapport. Vide : date d'actualisation du rapport, sinon aujourd'hui.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.RELAIS_IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_large(upload.size))
        return upload


def too_large(size: int) -> str:
    limit = settings.RELAIS_IMPORT_MAX_UPLOAD_BYTES
    return (
        f"Le fichier pèse {size_label(size)}, plus que les {size_label(limit)} acceptés par cette "
        "page : découpez-le ou importez-le en ligne de commande."
    )


class ApplyForm(Form):
    apply_valid_rows = forms.BooleanField(
        label="Appliquer seulement les lignes valides (les lignes rejetées sont ignorées)", required=False
    )


class MappingForm(Form):
    """The mapping step: one choice of field per column of the file, the order of its dates, a profile name."""

    profile_name = forms.CharField(
        label="Enregistrer ces choix comme profil d'import (nom)",
        max_length=100,
        required=False,
        help_text="Par exemple « SIRH mensuel » : proposé automatiquement quand les mêmes colonnes reviendront, "
        "et utilisable en ligne de commande (--profile).",
    )

    def __init__(self, *args, proposal, **kwargs):
        from relais.imports.mapping import ORDER_CHOICES, field_choices

        super().__init__(*args, **kwargs)
        self.proposal = proposal
        choices = field_choices(proposal.kind, proposal.source)
        self.columns = []
        for column in proposal.columns:
            name = f"col_{column.index}"
            self.fields[name] = forms.ChoiceField(
                label=f"Champ Relais pour la colonne « {column.header} »", choices=choices, initial=column.proposed
            )
            order = None
            if column.date_order:
                order = f"order_{column.index}"
                self.fields[order] = forms.ChoiceField(
                    label=f"Ordre jour/mois des dates de « {column.header} »",
                    choices=ORDER_CHOICES,
                    initial=column.date_order,
                    help_text="Décidé sur toute la colonne, jamais ligne par ligne.",
                )
            self.columns.append((column, self[name], self[order] if order else None))

    def mapping(self) -> dict[int, str]:
        return {c.index: self.cleaned_data[f"col_{c.index}"] for c in self.proposal.columns}

    def date_orders(self) -> dict[int, str]:
        return {c.index: self.cleaned_data[f"order_{c.index}"] for c in self.proposal.columns if c.date_order}
