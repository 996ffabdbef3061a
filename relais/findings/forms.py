from django import forms

from relais.core import forms as core_forms


class JustifyForm(core_forms.Form):
    """The reason a finding is justified: kept text, so a NIR or an IBAN in it is refused (relais.core.forms)."""

    reason = forms.CharField(
        label="Pourquoi ce constat est-il justifié ?", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : « NIR provisoire en attente de l'INSEE ». "
        "N'y écrivez ni NIR ni coordonnées bancaires.",
    )  # fmt: skip
