from django import forms


class JustifyForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi ce constat est-il justifié ?", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : « NIR provisoire en attente de l'INSEE ». "
        "N'y écrivez ni NIR ni coordonnées bancaires.",
    )  # fmt: skip

    def clean_reason(self):
        from relais.core.identifiers import find_identifiers, identifiers_message

        reason = self.cleaned_data["reason"].strip()
        found = find_identifiers(reason)
        if found:
            raise forms.ValidationError(identifiers_message({f.kind for f in found}))
        return reason
