"""Helpers of the intervention tests."""

from relais.interventions import services
from tests.helpdesk.factories import topic


def ok(response):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert "!!MISSING" not in html
    return html


def submit(hr, dpe, **kw):
    defaults = {
        "acting_user": hr,
        "direction": dpe,
        "title": "Messagerie des gestionnaires RH",
        "goal": "Que chaque gestionnaire RH lise sa messagerie.",
        "topics": [topic("messagerie")],
        "population_note": "Les gestionnaires RH de la direction",
    }
    defaults.update(kw)
    return services.intervention_submit(**defaults)
