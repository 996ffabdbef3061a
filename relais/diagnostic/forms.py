from django import forms

from relais.core.forms import Form
from relais.organisation.models import Direction

DONT_KNOW = "je-ne-sais-pas"


class StartForm(Form):
    direction = forms.ModelChoiceField(
        label="Votre direction",
        queryset=Direction.objects.none(),
        required=False,
        empty_label="Je ne sais pas / je préfère ne pas le dire",
        help_text="Elle sert seulement à compter les besoins par direction. Votre nom n'est pas demandé.",
    )

    def __init__(self, *args, site=None, **kwargs):
        super().__init__(*args, **kwargs)
        if site is not None:
            del self.fields["direction"]
        else:
            self.fields["direction"].queryset = Direction.objects.order_by("code")
            self.fields["direction"].label_from_instance = lambda d: f"{d.code} · {d.name}"


class AnswerForm(Form):
    answer = forms.ChoiceField(
        label="Votre réponse",
        widget=forms.RadioSelect,
        error_messages={"required": "Réponse : choisissez une réponse, ou « Je ne sais pas »."},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].choices = [(str(c.pk), c.text) for c in choices] + [(DONT_KNOW, "Je ne sais pas")]

    def choice_id(self) -> int | None:
        value = self.cleaned_data["answer"]
        return None if value == DONT_KNOW else int(value)


class AttachForm(Form):
    matricule = forms.CharField(label="Matricule de l'agent", max_length=32)
    agreed = forms.BooleanField(
        label="L'agent est d'accord pour que ce résultat soit enregistré dans son dossier Relais.",
        required=False,
        help_text="Sans son accord, le résultat reste anonyme : seuls le site et la direction sont gardés.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("agreed"):
            self.add_error("agreed", "Accord de l'agent : cochez la case pour rattacher le résultat.")
        return data
