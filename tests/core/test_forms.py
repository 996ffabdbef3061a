"""Every form that keeps text refuses a NIR or an IBAN (issue 16 §2), through the one check in relais.core.forms."""

import importlib
import pkgutil

import pytest
from django import forms
from django.contrib import admin

import relais
from relais.core.forms import Form, RefusesIdentifiers

NIR = "2 55 08 14 168 025 38"  # key 38, as in tests/core/test_identifiers.py
IBAN = "FR76 3000 6000 0112 3456 7890 189"

# Forms whose text is read, never kept: searches and filters of lists, and the second factor's code.
KEEP_NOTHING = {
    "relais.agents.forms.AgentFilterForm": "filtre de liste",
    "relais.helpdesk.forms.QueueFilterForm": "filtre de liste",
    "relais.interventions.forms.ListFilterForm": "filtre de liste",
    "relais.insights.forms.DashboardFilterForm": "filtre de tableau de bord",
    "relais.fieldwork.views.lists.FilterForm": "filtre de liste",
    "relais.accounts.views.CodeForm": "code du second facteur, comparé puis oublié",
    "relais.accounts.forms.PasswordResetForm": "adresse e-mail cherchée parmi les comptes, jamais gardée",
}


def _relais_forms():
    for module in pkgutil.walk_packages(relais.__path__, "relais."):
        if ".migrations" in module.name or module.name.endswith((".demo", "tests")):
            continue
        importlib.import_module(module.name)
    seen, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return sorted(
        (c for c in seen if c.__module__.startswith("relais.") and c.__module__ != "relais.core.forms"),
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def _keeps_text(cls) -> bool:
    return any(
        isinstance(f, forms.CharField) and not isinstance(f.widget, forms.PasswordInput)
        for f in cls.base_fields.values()
    )


def test_every_form_that_keeps_text_refuses_identifiers():
    missing = [
        f"{c.__module__}.{c.__qualname__}"
        for c in _relais_forms()
        if _keeps_text(c)
        and not issubclass(c, RefusesIdentifiers)
        and f"{c.__module__}.{c.__qualname__}" not in KEEP_NOTHING
    ]
    assert missing == []


def test_every_admin_form_refuses_identifiers():
    unprotected = [
        str(model_admin)
        for model_admin in admin.site._registry.values()
        if not issubclass(model_admin.form, RefusesIdentifiers)
        or any(not issubclass(inline.form, RefusesIdentifiers) for inline in model_admin.inlines)
    ]
    assert unprotected == []


class _Note(Form):
    notes = forms.CharField(label="Notes", required=False)
    reference = forms.CharField(label="Référence", required=False)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            f"Rappeler, son numéro de sécu est {NIR}",
            "« Notes » : ce texte contient un numéro de sécurité sociale (NIR)",
        ),
        ("NIR 255081416802538 donné", "« Notes » : ce texte contient un numéro de sécurité sociale (NIR)"),
        (f"Virement sur {IBAN} svp", "« Notes » : ce texte contient des coordonnées bancaires (IBAN)"),
    ],
)
def test_a_nir_or_an_iban_is_refused_with_the_fields_name(value, message):
    form = _Note(data={"notes": value})
    assert not form.is_valid()
    assert form.errors["notes"][0].startswith(message)
    assert "que Relais ne conserve pas" in form.errors["notes"][0]


def test_numbers_that_merely_look_alike_pass():
    # A wrong key, a phone number, a matricule: none of them is a NIR or an IBAN.
    form = _Note(data={"notes": "2 55 08 14 168 025 39, tél. 01 42 76 40 40, matricule 1002345", "reference": "x"})
    assert form.is_valid(), form.errors
