from django import forms
from django.conf import settings

from relais.adoption.models import Tool
from relais.imports.adoption import IMPORTABLE_SOURCES, SOURCE_LABELS
from relais.imports.archive import size_label
from relais.imports.enums import ImportKind, ImportMode


class ImportForm(forms.Form):
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
        limit = settings.RELAIS_IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier pèse {size_label(upload.size)}, plus que les {size_label(limit)} acceptés par cette "
                "page : découpez-le ou importez-le en ligne de commande."
            )
        return upload


class ApplyForm(forms.Form):
    apply_valid_rows = forms.BooleanField(
        label="Appliquer seulement les lignes valides (les lignes rejetées sont ignorées)", required=False
    )
