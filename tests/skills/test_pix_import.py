"""Pix Orga exports of both kinds and both generations, read as Pix Orga writes them."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from relais.imports.enums import ImportKind, ImportStatus
from relais.imports.models import ImportRun
from relais.imports.services import import_file
from relais.journal.models import Entry
from relais.skills.models import PixCampaign, PixCompetenceResult, PixParticipation
from tests.factories import AgentFactory

FIXTURES = Path(__file__).parent / "fixtures"
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(dpe, dfpe):
    return {
        "durand": AgentFactory(matricule="100001", last_name="Durand", first_name="Sandrine", direction=dpe),
        "martin": AgentFactory(matricule="100002", last_name="Martin", first_name="Karim", direction=dpe),
        "ndiaye": AgentFactory(matricule="100003", last_name="N'Diaye", first_name="Awa", direction=dfpe),
        "petit": AgentFactory(matricule="100009", last_name="Petit", first_name="Léa", direction=dpe),
    }


def run_file(name, **kwargs) -> ImportRun:
    path = FIXTURES / name
    return import_file(acting_user=None, kind=ImportKind.PIX, file_name=name, data=path, **kwargs)


def test_profile_collection_of_the_current_generation(staff):
    run = run_file("pix_collecte_profils.csv")
    assert run.status == ImportStatus.APPLIED, run.error
    pix = run.examples["pix"]
    # 6 participations: Durand twice (two sendings), Martin unshared, N'Diaye, Petit (no id), Rousseau (unknown).
    assert (pix["matched"], pix["unmatched"], pix["not_shared"]) == (4, 2, 1)
    assert run.options["external_id_label"] == "Matricule"
    campaign = PixCampaign.objects.get()
    assert (campaign.pix_id, campaign.code, campaign.kind) == (38211, "PRODPE426", "profiles")
    durand = PixParticipation.objects.filter(agent=staff["durand"]).order_by("shared_at")
    assert [p.pix_total for p in durand] == [60, 122]  # both sendings kept, as history
    first = durand[0]
    assert first.shared_at == datetime.datetime(2026, 1, 12, 8, 14, tzinfo=datetime.UTC)  # 09:14 in Paris
    assert first.is_certifiable is False and first.certifiable_competences == 2
    interact = PixCompetenceResult.objects.get(participation=first, competence__code="2.1")
    assert (interact.level, interact.pix) == (1, 12)
    # Curly apostrophes and "multimedia" without an accent: all 16 competences recognised.
    assert PixCompetenceResult.objects.filter(participation=durand[1]).count() == 16
    assert not any("référentiel" in n for n in run.notices)
    martin = PixParticipation.objects.get(agent=staff["martin"])
    assert martin.is_shared is False and martin.pix_total is None and not martin.results.exists()
    assert PixParticipation.objects.get(agent=staff["ndiaye"]).first_name == "-Awa"  # Pix's `'` removed
    unmatched = PixParticipation.objects.get(external_id="@jmrousseau")
    assert unmatched.agent is None and unmatched.last_name == "ROUSSEAU"
    assert Entry.objects.filter(action="skills.pix_participation").count() == 4


def test_reimporting_the_same_export_changes_nothing(staff):
    run_file("pix_collecte_profils.csv")
    again = run_file("pix_collecte_profils.csv")
    assert (again.count_new, again.count_unchanged) == (0, 6)
    assert PixParticipation.objects.count() == 6


def test_assessment_of_the_older_generation(staff):
    run = run_file("pix_evaluation_ancienne.csv")
    assert run.status == ImportStatus.APPLIED, run.error
    pix = run.examples["pix"]
    assert (pix["matched"], pix["unmatched"], pix["not_shared"]) == (2, 1, 1)
    assert run.options["external_id_label"] == "Identifiant"
    campaign = PixCampaign.objects.get()
    assert (campaign.code, campaign.kind, campaign.target_profile) == (
        "",
        "assessment",
        "Messagerie et sécurité (agents)",
    )
    durand = PixParticipation.objects.get(agent=staff["durand"])
    assert durand.mastery == pytest.approx(0.4)
    assert durand.shared_at.date() == datetime.date(2023, 3, 7)
    assert durand.domain_mastery == {"2": 0.5, "4": pytest.approx(0.33)}
    security = durand.results.get(competence__code="4.1")
    assert (security.mastery, security.skills_targeted, security.skills_validated) == (pytest.approx(0.33), 3, 1)


def test_assessment_of_the_current_generation(staff):
    run = run_file("pix_evaluation.csv")
    assert run.status == ImportStatus.APPLIED, run.error
    assert (run.examples["pix"]["matched"], run.examples["pix"]["not_shared"]) == (3, 1)
    martin = PixParticipation.objects.get(agent=staff["martin"])
    assert martin.mastery == pytest.approx(0.15)
    assert martin.results.get(competence__code="5.1").mastery == pytest.approx(0.25)
    assert martin.started_at == datetime.datetime(2026, 3, 6, 13, 10, tzinfo=datetime.UTC)


def test_names_are_only_proposed_never_matched_silently(staff, dpe):
    run = run_file("pix_collecte_profils.csv", dry_run=True, options={"direction_id": dpe.pk})
    proposals = run.examples["pix"]["proposals"]
    assert [(p["file"], p["agent"]) for p in proposals] == [("Léa PETIT", "Léa Petit (100009)")]
    assert run.examples["pix"]["unmatched"] == 2  # still unmatched until confirmed
    assert any("après votre confirmation" in n for n in run.notices)


def test_command_writes_json_counts(staff, tmp_path, capsys):
    out = tmp_path / "comptes.json"
    call_command("import_pix", str(FIXTURES / "pix_collecte_profils.csv"), "--json", str(out))
    counts = json.loads(out.read_text())
    assert (counts["matched"], counts["unmatched"], counts["not_shared"]) == (4, 2, 1)
    out = capsys.readouterr().out
    assert "6 participations nouvelles" in out and "Colonnes ignorées : " in out


def test_command_dry_run_writes_nothing(staff, tmp_path):
    out = tmp_path / "comptes.json"
    call_command("import_pix", str(FIXTURES / "pix_evaluation.csv"), "--dry-run", "--json", str(out))
    assert json.loads(out.read_text())["matched"] == 3
    assert not PixParticipation.objects.exists() and not PixCampaign.objects.exists()


def _bad(tmp_path, replace: tuple[str, str]) -> Path:
    text = (FIXTURES / "pix_collecte_profils.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "pix.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace(*replace, 1).encode())
    return path


def test_a_bad_value_names_line_and_column_and_nothing_is_written(staff, tmp_path):
    path = _bad(tmp_path, ('"Oui";"20/01/2026 16:02";285', '"Peut-être";"20/01/2026 16:02";285'))
    with pytest.raises(CommandError, match="1 ligne rejetée"):
        call_command("import_pix", str(path))
    run = ImportRun.objects.get()
    assert run.rejected == [[5, "Envoi (O/N)", "Peut-être", "Valeur attendue : « Oui » ou « Non »."]]
    assert not PixParticipation.objects.exists() and not PixCampaign.objects.exists()


def test_a_bad_level_is_rejected(staff, tmp_path):
    path = _bad(tmp_path, ('"12/01/2026 09:14";60;"Non";2;0;6', '"12/01/2026 09:14";60;"Non";2;12;6'))
    run = import_file(acting_user=None, kind=ImportKind.PIX, file_name="pix.csv", data=path, dry_run=True)
    line, column, value, reason = run.rejected[0]
    assert (line, value) == (2, "12")
    assert column == "Niveau pour la compétence Mener une recherche et une veille d’information"
    assert reason == "Niveau attendu : un nombre entier de 0 à 8."


def test_an_hr_extract_is_refused_in_plain_french(tmp_path):
    path = tmp_path / "rh.csv"
    path.write_text("Matricule;Nom;Prénom;Direction\n100001;Durand;Sandrine;DPE\n", encoding="utf-8")
    with pytest.raises(CommandError, match="n'est pas un export de campagne Pix Orga"):
        call_command("import_pix", str(path))


def test_a_missing_required_column_is_named(tmp_path):
    path = _bad(tmp_path, ('"ID Campagne";', '"Campagne";'))
    with pytest.raises(CommandError, match="colonne absente : « ID Campagne »"):
        call_command("import_pix", str(path))


def test_confirming_a_name_match_on_the_page(client, users, staff, dpe):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from relais.accounts.enums import Role

    client.force_login(users[Role.ADMIN])
    upload = SimpleUploadedFile("pix.csv", (FIXTURES / "pix_collecte_profils.csv").read_bytes())
    response = client.post(reverse("imports:run_create"), {"kind": "pix", "file": upload, "mode": "partial"})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and run.status == ImportStatus.ANALYSED, run.error
    page = client.get(reverse("imports:run_detail", args=[run.public_id])).content.decode()
    assert "Participations non partagées" in page and "colonne « Matricule »" in page
    assert "Rapprochements proposés" not in page  # no direction chosen yet: nothing proposed

    url = reverse("skills:pix_confirm", args=[run.public_id])
    client.post(url, {"direction": dpe.pk})
    run.refresh_from_db()
    (proposal,) = run.examples["pix"]["proposals"]
    page = client.get(reverse("imports:run_detail", args=[run.public_id])).content.decode()
    assert "Rapprochements proposés par le nom" in page and "Léa Petit (100009)" in page
    # A forged pair (another agent for the line) is ignored; the proposed one is kept.
    client.post(url, {"direction": dpe.pk, "confirmer": [f"{proposal['line']}:{proposal['agent_id']}",
                                                          f"{proposal['line']}:{staff['martin'].pk}"]})  # fmt: skip
    run.refresh_from_db()
    assert run.options["confirmed"] == [[proposal["line"], staff["petit"].pk]]
    assert run.examples["pix"]["matched"] == 5
    client.post(reverse("imports:run_apply", args=[run.public_id]))
    assert PixParticipation.objects.get(agent=staff["petit"]).match_method == "names"


def test_the_hr_correspondent_cannot_confirm(client, users, staff):
    from django.urls import reverse

    from relais.accounts.enums import Role

    run = run_file("pix_collecte_profils.csv", dry_run=True)
    client.force_login(users[Role.HR])
    assert client.post(reverse("skills:pix_confirm", args=[run.public_id]), {}).status_code == 403


def test_a_later_export_replaces_the_participation_still_in_progress(staff, tmp_path):
    run_file("pix_collecte_profils.csv")
    assert PixParticipation.objects.get(agent=staff["martin"]).is_shared is False
    later = _bad(tmp_path, ("", ""))  # a copy, changed below
    text = later.read_text(encoding="utf-8-sig").splitlines()
    # Martin has now shared: his row carries 8 pix on 1.1, nothing elsewhere.
    text[3] = text[3].replace('"Non";"NA";"NA";"NA";"NA"', '"Oui";"15/03/2026 08:00";8;"Non";1')
    text[3] = ";".join(text[3].split(";")[:12] + ["1", "8"] + ["0"] * 30)
    later.write_bytes(b"\xef\xbb\xbf" + ("\n".join(text) + "\n").encode())
    run = import_file(acting_user=None, kind=ImportKind.PIX, file_name="pix.csv", data=later)
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    (martin,) = PixParticipation.objects.filter(agent=staff["martin"])
    assert martin.is_shared and martin.pix_total == 8
    assert martin.results.get(competence__code="1.1").level == 1
    assert PixParticipation.objects.count() == 6


def test_an_export_saved_again_by_excel_still_imports(staff, tmp_path):
    """Opened and saved by Excel: Windows-1252, no quotes, apostrophes typed back as `'`."""
    text = (FIXTURES / "pix_evaluation_ancienne.csv").read_text(encoding="utf-8-sig").replace('"', "")
    path = tmp_path / "pix_excel.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("cp1252"))
    run = import_file(acting_user=None, kind=ImportKind.PIX, file_name="pix_excel.csv", data=path)
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    assert run.examples["pix"]["matched"] == 2
    assert PixParticipation.objects.get(agent=staff["durand"]).mastery == pytest.approx(0.4)


def test_a_confirmed_person_stays_attached_in_later_exports_of_the_campaign(staff, dpe, tmp_path):
    confirmed = {"direction_id": dpe.pk, "confirmed": [[6, staff["petit"].pk]]}
    first = run_file("pix_collecte_profils.csv", options=confirmed)
    assert first.examples["pix"]["matched"] == 5
    later = _bad(tmp_path, ('"21/01/2026 11:40"', '"28/02/2026 11:40"'))  # Léa Petit sent again, no id still
    run = import_file(acting_user=None, kind=ImportKind.PIX, file_name="pix.csv", data=later)
    assert run.status == ImportStatus.APPLIED, run.error
    assert run.examples["pix"]["proposals"] == [] and run.examples["pix"]["matched"] == 5
    assert any("comme lors d'un import précédent" in n for n in run.notices)
    assert PixParticipation.objects.filter(agent=staff["petit"], match_method="names").count() == 2


def test_the_command_shows_name_proposals_without_matching_them(staff, capsys):
    call_command("import_pix", str(FIXTURES / "pix_collecte_profils.csv"), "--dry-run", "--direction", "dpe")
    err = capsys.readouterr().err
    assert "Ligne 6 : « Léa PETIT » ressemble à Léa Petit (100009) — à confirmer sur la page de l'import" in err
    with pytest.raises(CommandError, match="Direction inconnue"):
        call_command("import_pix", str(FIXTURES / "pix_collecte_profils.csv"), "--direction", "XYZ")


def test_headers_name_what_they_hold():
    from relais.imports.pix import layout

    found = layout(
        ["Nom de l'organisation", "ID Campagne", "Nom de la campagne", "Nom du Participant", "Prénom du Participant",
         "Classe", "Envoi (O/N)", "Date de l'envoi", "Nombre de pix total",
         "Niveau pour la compétence S'insérer dans le monde numérique",
         "Niveau pour la compétence Développer des documents multimédias",
         "Niveau pour la compétence Utiliser une intelligence artificielle"]
    )  # fmt: skip
    assert found.kind == "profiles" and found.external_id_label == ""  # "Classe" is a school's, not an id
    assert {"c:2.4:level", "c:3.2:level", "shared_at"} <= set(found.labels)
    assert any("« Niveau pour la compétence Utiliser une intelligence artificielle »" in n for n in found.notices)
    assert any("ne demande pas d'identifiant externe" in n for n in found.notices)
    forbidden = layout(["ID Campagne", "Nom du Participant", "Prénom du Participant", "NIR", "Partage (O/N)",
                        "% maitrise de l'ensemble des acquis du profil"])  # fmt: skip
    assert forbidden.external_id_label == "" and "NIR" in forbidden.notices[0]
