"""The dashboards as people see them: right figures, right scope, exports equal to pages, no missing variable."""

import csv
import datetime
import io
import re
from html import unescape

import openpyxl
import pytest
from django.urls import reverse

from relais.accounts.enums import Role
from relais.agents.enums import Statut
from relais.insights import summary
from relais.insights.models import Campaign
from relais.insights.services import campaign_create
from tests.factories import AgentFactory, SiteFactory, mailbox

D = datetime.date


def get(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200, response.status_code
    return response


def html_of(response) -> str:
    html = response.content.decode()
    assert "!!MISSING" not in html
    return unescape(html)


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_adoption_page_shows_hand_counted_figures(client, city, users, django_assert_max_num_queries):
    client.force_login(users[Role.COORDINATOR])
    summary.ensure_fresh()  # built once per change, shared by every request (rebuild cost measured apart)
    with django_assert_max_num_queries(20):  # one small grouped query per breakdown (summary)
        response = client.get(reverse("insights:adoption"))
    html = html_of(response)
    assert 'data-testid="rate">60,0\u202f%' in html  # 3 of 5
    assert 'data-testid="agents">6<' in html and 'data-testid="recent">1<' in html
    assert "<svg" in html and 'role="img"' in html and "style=" not in html
    assert "Sur 6 agents en poste, 5 ont un compte, 3 l'ont activé et 1 l'ont utilisé" in html
    assert "Dépôt Nord" in html and "Crèche Soleil" in html


def test_adoption_filters_and_past_day(client, city, users, dpe):
    response = get(client, users[Role.COORDINATOR], "insights:adoption", direction="DPE", jour="2025-04-20")
    html = html_of(response)
    assert 'data-testid="agents">4<' in html  # a1..a4 (a5 had left)
    assert 'data-testid="rate">66,7\u202f%' in html  # a1, a2 of a1, a2, a3
    assert "Familles et petite enfance" not in html.split("Par direction")[1].split("</section>")[0]


def test_future_day_is_refused_with_a_message(client, city, users):
    response = get(client, users[Role.COORDINATOR], "insights:adoption", jour="2999-01-01")
    assert "La situation ne peut pas être demandée pour un jour futur." in html_of(response)


def test_exports_equal_the_page(client, city, users):
    coordinator = users[Role.COORDINATOR]
    rows = csv_rows(get(client, coordinator, "insights:table_export", "adoption", "adoption-direction", "csv"))
    assert rows[0][:5] == ["Direction", "Agents en poste", "Comptes créés", "Comptes activés", "Taux d'activation (%)"]
    assert rows[1][:5] == ["DFPE — Familles et petite enfance", "2", "2", "2", "100,0"]
    assert rows[2][:5] == ["DPE — Propreté et eau", "4", "3", "1", "33,3"]
    response = get(client, coordinator, "insights:table_export", "adoption", "adoption-site", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Dépôt Nord", "4", "3", "1", "33,3", "1", "2"] in values


def test_hr_exports_hide_small_groups(client, city, users):
    hr = users[Role.HR]
    rows = csv_rows(get(client, hr, "insights:table_export", "adoption", "adoption-direction", "csv"))
    assert rows[1] == ["DPE — Propreté et eau", "< 5", "< 5", "< 5", "< 5", "< 5", "< 5"]
    html = html_of(get(client, hr, "insights:adoption"))
    assert "Crèche Soleil" not in html and "Familles" not in html
    assert "secret statistique" in html


def test_hr_cannot_subtract_a_hidden_group_from_the_total(client, city, users, dpe, settings):
    """One hidden group takes another with it — in the exports, the top sites' table and the map alike —
    or the total (the funnel: 6 agents in post) minus the groups shown would give the hidden one back."""
    settings.RELAIS_SMALL_GROUP_THRESHOLD = 3
    atelier = SiteFactory(name="Atelier Sud", direction=dpe, latitude=48.83, longitude=2.30)
    AgentFactory.create_batch(2, direction=dpe, site=atelier, statut=Statut.TITULAIRE)
    hr = users[Role.HR]
    hidden = ["< 3"] * 6
    sites = csv_rows(get(client, hr, "insights:table_export", "adoption", "adoption-site", "csv"))
    assert sorted(sites[1:]) == [["Atelier Sud", *hidden], ["Dépôt Nord", *hidden]]  # 2 agents, and its complement
    statuts = csv_rows(get(client, hr, "insights:table_export", "adoption", "adoption-statut", "csv"))
    assert statuts[1:] == [["Titulaire", *hidden], ["Contractuel", *hidden]]  # 5 agents, and 1
    html = html_of(get(client, hr, "insights:adoption"))
    assert '<th scope="row">Dépôt Nord</th><td class="num">< 3</td>' in html  # the top sites' table
    assert html.count('r="2.5" fill="none"') == 2  # both sites drawn as grey rings, without a rate


def test_exports_neutralise_formulas(client, city, users):
    from relais.agents.models import Agent
    from relais.organisation.models import Site

    Site.objects.filter(name="Dépôt Nord").update(name="=HYPERLINK(1)")
    assert Agent.objects.exists()
    rows = csv_rows(get(client, users[Role.COORDINATOR], "insights:table_export", "adoption", "adoption-site", "csv"))
    assert [r[0] for r in rows if "HYPERLINK" in r[0]] == ["'=HYPERLINK(1)"]


def test_unknown_export_is_404(client, city, users):
    client.force_login(users[Role.COORDINATOR])
    url = reverse("insights:table_export", args=["adoption", "nope", "csv"])
    assert client.get(url).status_code == 404
    url = reverse("insights:table_export", args=["adoption", "adoption-direction", "pdf"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.HELPDESK])
def test_field_roles_cannot_open_dashboards(client, city, users, role):
    client.force_login(users[role])
    for name in ("insights:adoption", "insights:impact", "insights:output", "insights:report"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("insights:campaign_list")).status_code == 403


def test_hr_cannot_manage_campaigns(client, users):
    client.force_login(users[Role.HR])
    assert client.get(reverse("insights:campaign_list")).status_code == 403
    assert client.post(reverse("insights:campaign_create"), {}).status_code == 403


def test_impact_and_output_pages_render(client, city, users):
    coordinator = users[Role.COORDINATOR]
    html = html_of(get(client, coordinator, "insights:impact"))
    assert "Comment ce chiffre est calculé" in html and 'data-testid="headline"' in html
    assert "60\u202f% à l'échelle de la ville" in html
    html = html_of(get(client, coordinator, "insights:output"))
    assert 'data-testid="visits">0<' in html


def test_coordinator_creates_edits_and_follows_a_campaign(client, city, users, dpe, dfpe):
    coordinator = users[Role.COORDINATOR]
    client.force_login(coordinator)
    response = client.post(
        reverse("insights:campaign_create"),
        {
            "name": "Élections professionnelles",
            "purpose": "Recevoir les codes de vote",
            "tool": mailbox().pk,
            "deadline": "2026-12-01",
            "target_percent": "80",
            "directions": [dpe.pk, dfpe.pk],
            "categories": ["C"],
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("insights:campaign_detail", args=[campaign.public_id])
    assert campaign.target_share == pytest.approx(0.8) and campaign.categories == ["C"]
    html = html_of(client.get(response["Location"], {"mediateurs": "3"}))
    # Category C agents of DPE and DFPE in post: a1, a2, a3, f1, f2; activated today: a1, f1, f2.
    assert 'data-testid="agents">5<' in html and 'data-testid="activated">3<' in html
    assert 'data-testid="missing">1<' in html  # ceil(0.8 × 5) = 4
    assert "60,0\u202f% des agents ont un compte activé" in html
    response = client.post(
        reverse("insights:campaign_update", args=[campaign.public_id]),
        {
            "name": "Élections professionnelles",
            "purpose": "",
            "tool": mailbox().pk,
            "deadline": "2026-12-01",
            "target_percent": "50",
            "directions": [dpe.pk],
        },
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.target_share == pytest.approx(0.5) and list(campaign.directions.all()) == [dpe]
    from relais.journal.models import Entry

    actions = list(Entry.objects.filter(object_type="insights.campaign").values_list("action", flat=True))
    assert sorted(actions) == ["insights.campaign_create", "insights.campaign_update"]
    html = html_of(get(client, coordinator, "insights:campaign_list"))
    assert "Élections professionnelles" in html


def test_campaign_form_reports_bad_input(client, users):
    client.force_login(users[Role.COORDINATOR])
    response = client.post(reverse("insights:campaign_create"), {"name": "", "target_percent": "150"})
    html = html_of(response)
    assert response.status_code == 200 and Campaign.objects.count() == 0
    assert "Ce champ est obligatoire" in html


def test_campaign_service_refuses_unknown_values(users, city):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError) as info:
        campaign_create(
            acting_user=users[Role.COORDINATOR],
            name="X",
            tool=mailbox(),
            target_share=0.8,
            deadline=D(2026, 12, 1),
            categories=["Z"],
        )
    assert "categories" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        campaign_create(acting_user=users[Role.HR], name="X", tool=mailbox(), target_share=0.8, deadline=D(2026, 12, 1))


def test_monthly_report_pdf_from_page_and_command(client, city, users, tmp_path):
    from django.core.management import call_command

    response = get(client, users[Role.COORDINATOR], "insights:report_pdf", mois="2026-11")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    out = tmp_path / "report.pdf"
    call_command("monthly_report", month="2026-11", output=str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF")
    html = html_of(get(client, users[Role.COORDINATOR], "insights:report"))
    assert "Télécharger le rapport" in html


def test_report_refuses_a_bad_month(client, users):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Mois « 2026-13 » invalide"):
        call_command("monthly_report", month="2026-13", output="x.pdf")
    client.force_login(users[Role.COORDINATOR])
    response = client.get(reverse("insights:report_pdf"), {"mois": "2999-01"}, follow=True)
    assert "n'a pas commencé" in html_of(response)


@pytest.mark.parametrize("page", ["insights:adoption", "insights:impact", "insights:output", "insights:skills"])
def test_every_export_link_a_dashboard_shows_answers(client, city, users, page):
    """Each download link on a dashboard gives its file (the top sites' table once answered 404)."""
    html = html_of(get(client, users[Role.COORDINATOR], page))
    links = sorted(set(re.findall(r'href="(/indicateurs/[^"]+/export/[^"]+)"', html)))
    assert links, "the page shows download links"
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response.content, link
