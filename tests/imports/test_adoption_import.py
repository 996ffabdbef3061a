import datetime

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relais.adoption.models import Observation, ToolAccount
from relais.adoption.selectors import status_on  # noqa: F401 - the public reading of statuses
from relais.imports.enums import ImportKind, ImportStatus
from relais.imports.services import import_file
from relais.journal.models import Entry
from tests.factories import AgentFactory, ToolAccountFactory
from tests.imports.helpers import csv_bytes

pytestmark = pytest.mark.django_db

EMAIL_ACTIVITY = [
    "Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date", "Last Activity Date",
    "Send Count", "Receive Count", "Read Count", "Meeting Created Count", "Meeting Interacted Count",
    "Assigned Products", "Report Period",
]  # fmt: skip
MAILBOX_USAGE = [
    "Report Refresh Date", "User Principal Name", "Display Name", "Is Deleted", "Deleted Date", "Created Date",
    "Last Activity Date", "Item Count", "Storage Used (Byte)", "Issue Warning Quota (Byte)",
    "Prohibit Send Quota (Byte)", "Prohibit Send/Receive Quota (Byte)", "Deleted Item Count",
    "Deleted Item Size (Byte)", "Deleted Item Quota (Byte)", "Has Archive", "Report Period",
]  # fmt: skip


def adoption(data, **kwargs):
    return import_file(acting_user=None, kind=ImportKind.ADOPTION, file_name="rapport.csv", data=data, **kwargs)


@pytest.fixture
def agents(dpe):
    return {
        "nadia": AgentFactory(matricule="100001", direction=dpe, work_email="nadia.martin@paris.fr"),
        "karim": AgentFactory(matricule="100002", direction=dpe, work_email="karim.roux@paris.fr"),
        "zoe": AgentFactory(matricule="100003", direction=dpe, work_email=""),
    }


def m365_email_activity(rows):
    return csv_bytes(
        [["2026-03-01", upn, "X", deleted, "", last, "1", "2", "3", "0", "0", "Office 365 E1", "30"]
         for upn, deleted, last in rows],
        header=EMAIL_ACTIVITY, sep=",", bom=True,
    )  # fmt: skip


def test_m365_email_activity_report_becomes_observations(agents):
    data = m365_email_activity(
        [("Nadia.Martin@paris.fr", "False", "2026-02-27"), ("karim.roux@paris.fr", "False", ""),
         ("salle.reunion@paris.fr", "False", "2026-02-01")]
    )  # fmt: skip
    run = adoption(data)
    assert run.status == ImportStatus.APPLIED, run.error
    assert run.source == "m365" and run.as_of == datetime.date(2026, 3, 1)
    assert (run.count_new, run.count_unmatched) == (2, 1)
    assert run.examples["unmatched"] == [[4, "salle.reunion@paris.fr"]]
    nadia = ToolAccount.objects.get(agent=agents["nadia"])
    assert nadia.activated_on == datetime.date(2026, 2, 27) and nadia.last_activity_on == datetime.date(2026, 2, 27)
    assert nadia.provisioned_on == datetime.date(2026, 3, 1) and nadia.login == "nadia.martin@paris.fr"
    karim = ToolAccount.objects.get(agent=agents["karim"])
    assert karim.activated_on is None and karim.status_on(datetime.date(2026, 3, 1)) == "provisioned"
    obs = Observation.objects.get(account=nadia)
    assert (obs.source, obs.as_of) == ("m365", datetime.date(2026, 3, 1))
    payloads = {e.object_repr: e.payload for e in Entry.objects.filter(action="adoption.observation")}
    assert payloads["100001"] == {"outil": "messagerie", "source": "m365", "au": "2026-03-01",
                                  "activation": "2026-02-27", "import": str(run.public_id)}  # fmt: skip
    assert payloads["100002"]["activation"] is None


@pytest.fixture(autouse=True)
def facts_follow_accounts_refresh():
    """After every import here, `accounts_refresh` (the reference rules) finds nothing to correct."""
    yield
    from relais.adoption.services import accounts_refresh

    assert accounts_refresh(ToolAccount.objects.values_list("pk", flat=True)) == 0


def test_same_report_twice_adds_nothing(agents):
    data = m365_email_activity([("nadia.martin@paris.fr", "False", "2026-02-27")])
    adoption(data)
    second = adoption(data)
    assert (second.count_new, second.count_unchanged) == (0, 1)
    assert Observation.objects.count() == 1


def test_mailbox_usage_report_creation_date_and_deleted(agents):
    row = ["2026-03-01", "karim.roux@paris.fr", "Karim", "True", "2026-02-20", "2025-11-03", "2026-01-10"] + [""] * 10
    run = adoption(csv_bytes([row], header=MAILBOX_USAGE, sep=","))
    assert run.status == ImportStatus.APPLIED, run.error
    account = ToolAccount.objects.get(agent=agents["karim"])
    assert account.provisioned_on == datetime.date(2025, 11, 3)
    assert account.disabled_on == datetime.date(2026, 3, 1)


def test_concealed_m365_names_match_nothing_and_say_so(agents):
    data = m365_email_activity([("7C3B9E0A1F2D4C5B8A9E0F1D2C3B4A59", "False", "2026-02-27")] * 3)
    run = adoption(data)
    assert run.status == ImportStatus.FAILED and "masque les noms" in run.error
    assert not Observation.objects.exists()


def test_active_directory_export(agents):
    header = ["sAMAccountName", "userPrincipalName", "mail", "employeeID", "whenCreated", "lastLogonTimestamp",
              "lastLogon", "pwdLastSet", "userAccountControl", "proxyAddresses"]  # fmt: skip
    rows = [
        ["nmartin", "nmartin@ad.paris.fr", "", "100001", "20250105103000.0Z", "133500000000000000", "0",
         "133400000000000000", "512", "smtp:alias@paris.fr;SMTP:nadia.martin@paris.fr"],
        ["kroux", "kroux@ad.paris.fr", "", "", "20250105103000.0Z", "0", "9223372036854775807", "0", "514",
         "SMTP:karim.roux@paris.fr"],
        ["zoe", "zoe@ad.paris.fr", "", "100003", "20250105103000.0Z", "", "", "0", "512", ""],
    ]  # fmt: skip
    run = adoption(csv_bytes(rows, header=header, sep=","), as_of=datetime.date(2026, 3, 1))
    assert run.status == ImportStatus.APPLIED, run.error
    assert run.source == "ad" and run.count_new == 3
    nadia = ToolAccount.objects.get(agent=agents["nadia"])
    assert nadia.provisioned_on == datetime.date(2025, 1, 5)
    assert nadia.last_activity_on == datetime.date(2024, 1, 17)  # FILETIME 133500000000000000
    karim = ToolAccount.objects.get(agent=agents["karim"])  # matched by primary SMTP address
    assert karim.disabled_on == datetime.date(2026, 3, 1) and karim.activated_on is None
    zoe = ToolAccount.objects.get(agent=agents["zoe"])
    assert zoe.activated_on is None and zoe.login == "zoe@ad.paris.fr"
    assert run.examples["never_activated"] == 2


def test_google_workspace_export(agents):
    header = ["First Name [Required]", "Last Name [Required]", "Email Address [Required]", "Password [Required]",
              "Employee ID", "Status [READ ONLY]", "Last Sign In [READ ONLY]"]  # fmt: skip
    rows = [
        ["Nadia", "Martin", "nadia.martin@paris.fr", "****", "", "Active", "2026/02/20 08:12:00"],
        ["Karim", "Roux", "karim.roux@paris.fr", "****", "", "Suspended", "Never logged in"],
        ["Zoé", "X", "zoe@paris.fr", "****", "100003", "Active", "Never logged in"],
    ]  # fmt: skip
    run = adoption(csv_bytes(rows, header=header, sep=","), as_of=datetime.date(2026, 3, 1))
    assert run.status == ImportStatus.APPLIED, run.error
    assert run.source == "google" and run.count_rejected == 0
    assert ToolAccount.objects.get(agent=agents["nadia"]).activated_on == datetime.date(2026, 2, 20)
    assert ToolAccount.objects.get(agent=agents["karim"]).disabled_on == datetime.date(2026, 3, 1)
    assert ToolAccount.objects.get(agent=agents["zoe"]).activated_on is None


def test_zimbra_export(agents):
    header = ["name", "zimbraCreateTimestamp", "zimbraLastLogonTimestamp", "zimbraAccountStatus",
              "zimbraPasswordMustChange"]  # fmt: skip
    rows = [
        ["nadia.martin@paris.fr", "20250301120000Z", "20260225083000Z", "active", "FALSE"],
        ["karim.roux@paris.fr", "20250301120000Z", "", "closed", "TRUE"],
    ]
    run = adoption(csv_bytes(rows, header=header, sep=";"), as_of=datetime.date(2026, 3, 1))
    assert run.status == ImportStatus.APPLIED, run.error
    assert run.source == "zimbra"
    nadia = ToolAccount.objects.get(agent=agents["nadia"])
    assert (nadia.provisioned_on, nadia.activated_on) == (datetime.date(2025, 3, 1), datetime.date(2026, 2, 25))
    karim = ToolAccount.objects.get(agent=agents["karim"])
    assert karim.activated_on is None and karim.disabled_on == datetime.date(2026, 3, 1)


def test_generic_report_with_french_headers(agents):
    header = ["Identifiant", "Adresse", "Créé le", "Première connexion", "Dernière activité"]
    rows = [["100003", "", "01/12/2025", "15/12/2025", "02/03/2026"], ["", "karim.roux@paris.fr", "", "", "abc"]]
    run = adoption(csv_bytes(rows, header=header), as_of=datetime.date(2026, 3, 5))
    assert run.source == "generic"
    assert run.status == ImportStatus.FAILED and run.rejected == [[3, "Dernière activité", "abc", "Date illisible."]]
    run = adoption(csv_bytes(rows, header=header), as_of=datetime.date(2026, 3, 5), apply_valid_rows=True)
    zoe = ToolAccount.objects.get(agent=agents["zoe"])
    assert zoe.activated_on == datetime.date(2025, 12, 15) and zoe.last_activity_on == datetime.date(2026, 3, 2)


def test_existing_account_gets_the_observation_and_its_login(agents):
    account = ToolAccountFactory(agent=agents["nadia"], login="nm")
    adoption(m365_email_activity([("nadia.martin@paris.fr", "False", "2026-02-27")]))
    account.refresh_from_db()
    assert account.activated_on == datetime.date(2026, 2, 27) and account.login == "nadia.martin@paris.fr"
    assert ToolAccount.objects.count() == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.sampled_from(["m365", "ad", "google"]),
                st.integers(0, 60),
                st.none() | st.integers(0, 60),
                st.none() | st.integers(0, 60),
                st.none() | st.integers(0, 60),
                st.booleans(),
            ),
            max_size=6,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_set_based_refresh_equals_accounts_refresh(dpe, histories):
    from django.db import connection, transaction

    from relais.adoption.services import accounts_refresh
    from relais.imports.adoption import accounts_refresh_sql

    day0 = datetime.date(2026, 1, 1)

    def day(n):
        return None if n is None else day0 + datetime.timedelta(days=n)

    with transaction.atomic():
        accounts = []
        for history in histories:
            account = ToolAccountFactory(agent=AgentFactory(direction=dpe))
            for source, as_of, prov, first, last, disabled in {(h[0], h[1]): h for h in history}.values():
                Observation.objects.create(account=account, source=source, as_of=day(as_of), provisioned_on=day(prov),
                                           first_sign_in_on=day(first), last_activity_on=day(last),
                                           is_disabled=disabled)  # fmt: skip
            accounts.append(account)
        ids = [a.pk for a in accounts]
        accounts_refresh(ids)
        fields = ("provisioned_on", "activated_on", "last_activity_on", "disabled_on")
        expected = list(ToolAccount.objects.filter(pk__in=ids).order_by("pk").values_list(*fields))
        ToolAccount.objects.filter(pk__in=ids).update(
            provisioned_on=day0, activated_on=None, last_activity_on=day0, disabled_on=day0
        )
        with connection.cursor() as cursor:
            accounts_refresh_sql(cursor, pl.DataFrame({"id": ids}))
        assert list(ToolAccount.objects.filter(pk__in=ids).order_by("pk").values_list(*fields)) == expected
        transaction.set_rollback(True)


def test_report_without_identifier_column_is_refused():
    run = adoption(csv_bytes([["x", "2026-01-01"]], header=["Nom", "Dernière activité"]))
    assert run.status == ImportStatus.FAILED and "identifier les agents" in run.error


def test_import_adoption_command(tmp_path, capsys, agents):
    path = tmp_path / "m365.csv"
    path.write_bytes(m365_email_activity([("nadia.martin@paris.fr", "False", "2026-02-27"), ("x@y.fr", "False", "")]))
    call_command("import_adoption", str(path), "--dry-run")
    out = capsys.readouterr()
    assert "Simulation" in out.out and "1 observations nouvelles" in out.out and "Microsoft 365" in out.out
    assert "ligne 3 (x@y.fr)" in out.err
    assert not Observation.objects.exists()
    call_command("import_adoption", str(path), "--source", "m365", "--as-of", "02/03/2026")
    assert Observation.objects.get().as_of == datetime.date(2026, 3, 2)
    path.write_bytes(b"%PDF-1.4 nothing")
    with pytest.raises(CommandError, match="PDF"):
        call_command("import_adoption", str(path))


PIX_ORGA = [
    "Nom du Participant", "Prénom du Participant", "Matricule", "Date de début (Europe/Paris)",
    "Date de l'envoi (Europe/Paris)", "Nombre de pix total", "Certificable", "Date de certificabilité",
    "Niveau par compétence", "Mener une recherche et une veille d'information",
]  # fmt: skip


def test_pix_orga_export_given_to_the_adoption_import_is_refused(agents):
    rows = [
        [last, first, matricule, "12/01/2026 09:14", "20/01/2026 16:02", pix, "Oui", "20/01/2026", "2", "3"]
        for last, first, matricule, pix in (
            ("MARTIN", "Nadia", "100001", "212"), ("ROUX", "Karim", "100002", "87"), ("X", "Zoé", "100003", "0"),
        )
    ]  # fmt: skip
    run = adoption(csv_bytes(rows, header=PIX_ORGA))
    assert run.status == ImportStatus.FAILED
    assert run.error.startswith("Ce fichier ressemble à un export de campagne Pix Orga (colonnes « Nombre de pix total")
    assert "il ne dit rien des comptes de messagerie. Aucun compte n'a été créé." in run.error
    assert not ToolAccount.objects.exists() and not Observation.objects.exists()
    assert not Entry.objects.filter(action="adoption.observation").exists()


def test_hr_extract_given_to_the_adoption_import_is_refused(agents):
    from tests.imports.helpers import hr_row

    run = adoption(csv_bytes([hr_row("100001", email="nadia.martin@paris.fr")]))
    assert run.status == ImportStatus.FAILED and "ressemble à une extraction RH" in run.error
    assert not ToolAccount.objects.exists() and not Observation.objects.exists()
