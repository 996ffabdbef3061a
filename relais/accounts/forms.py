from django import forms
from django.contrib.auth import forms as auth_forms


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The e-mail address of a local account. Django's `get_users` finds active accounts of that address with a
    usable password only: single sign-on accounts (created with none) never get a link.
    """

    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        error_messages={
            "required": "Saisissez l'adresse e-mail de votre compte Relais.",
            "invalid": "Saisissez une adresse e-mail complète, par exemple prenom.nom@paris.fr.",
        },
    )
