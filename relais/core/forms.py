"""The one check every kept text of a form goes through: no NIR, no IBAN (DOMAIN.md §6, décret 2019-341).

Every form whose text Relais keeps derives from `Form` or `ModelForm` here (or mixes in `RefusesIdentifiers`);
the admin's forms get the mixin when the admin site is ready (`protect_admin`). tests/core/test_forms.py
walks every form class of Relais and fails on one that keeps text without the check (filters, which keep
nothing, are listed there with their reason).
"""

from django import forms

from relais.core.identifiers import find_identifiers, identifiers_named


def identifiers_field_message(label: str, kinds: set[str]) -> str:
    """« Description » : ce texte contient un numéro de sécurité sociale (NIR), que Relais ne conserve pas…"""
    what = identifiers_named(kinds)
    return f"« {label} » : ce texte contient {what}, que Relais ne conserve pas. Retirez-le."


def _text_fields(form: forms.BaseForm):
    allowed = set(getattr(form, "identifiers_allowed", ()))
    for name, field in form.fields.items():
        if name in allowed or not isinstance(field, forms.CharField):
            continue
        if isinstance(field.widget, forms.PasswordInput):
            continue  # a secret typed to sign in is never kept as typed
        yield name, field


class RefusesIdentifiers:
    """Refuse, field by field, any text that holds a NIR or an IBAN whose checksum holds.

    Checked after the form's own cleaning (whatever `clean()` a subclass writes), on every text field
    — including those a subclass adds in `__init__`. `identifiers_allowed`: names of fields exempted.
    """

    identifiers_allowed: tuple[str, ...] = ()

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        for name, field in _text_fields(self):
            value = self.cleaned_data.get(name)
            if not isinstance(value, str) or not value:
                continue
            kinds = {found.kind for found in find_identifiers(value)}
            if kinds:
                self.add_error(name, identifiers_field_message(str(field.label or name), kinds))


class Form(RefusesIdentifiers, forms.Form):
    pass


class ModelForm(RefusesIdentifiers, forms.ModelForm):
    pass


def protect_admin(site) -> None:
    """Give every registered admin form (and inline form) the check, once."""
    for model_admin in site._registry.values():
        model_admin.form = _protected(model_admin.form)
        for inline in model_admin.inlines:
            inline.form = _protected(inline.form)


def _protected(form_class):
    if issubclass(form_class, RefusesIdentifiers):
        return form_class
    return type(form_class.__name__, (RefusesIdentifiers, form_class), {"__module__": form_class.__module__})
