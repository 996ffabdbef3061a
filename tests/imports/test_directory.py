"""The directory sync against a real OpenLDAP server (Debian's slapd), started and stopped here."""

import datetime
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from relais.adoption.models import Observation, ToolAccount
from relais.imports.directory import ldap3  # (imported there without pyasn1's deprecation warnings)
from relais.imports.models import ImportRun
from tests.factories import AgentFactory

SLAPD = os.environ.get("RELAIS_SLAPD", "/usr/sbin/slapd")
SCHEMAS = Path("/etc/ldap/schema")
BASE = "dc=relais,dc=test"
ADMIN_DN, ADMIN_PASSWORD = f"cn=admin,{BASE}", "secret-de-test"
PEOPLE = f"ou=people,{BASE}"
# Active Directory's user attributes (Debian ships them in msuser.schema) on an auxiliary class.
TEST_SCHEMA = """objectclass ( 1.3.6.1.4.1.55555.1.1 NAME 'relaisTestADUser' SUP top AUXILIARY
  MAY ( employeeID $ userPrincipalName $ sAMAccountName $ whenCreated $ lastLogonTimestamp $ lastLogon $
        pwdLastSet $ userAccountControl $ proxyAddresses ) )
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    """A throw-away OpenLDAP server on a free localhost port, with AD-like attributes; stopped at the end."""
    if not (os.path.exists(SLAPD) and shutil.which("slaptest")):
        pytest.fail(f"OpenLDAP (slapd) introuvable ({SLAPD}) : installez le paquet Debian `slapd`.")
    root = tmp_path_factory.mktemp("slapd")
    (root / "data").mkdir()
    (root / "relais-test.schema").write_text(TEST_SCHEMA)
    includes = "\n".join(
        f"include {SCHEMAS / name}"
        for name in ("core.schema", "cosine.schema", "inetorgperson.schema", "nis.schema", "msuser.schema")
    )
    (root / "slapd.conf").write_text(
        f"{includes}\ninclude {root / 'relais-test.schema'}\n"
        f"modulepath /usr/lib/ldap\nmoduleload back_mdb\npidfile {root / 'slapd.pid'}\n"
        f'database mdb\nmaxsize 104857600\nsuffix "{BASE}"\nrootdn "{ADMIN_DN}"\nrootpw {ADMIN_PASSWORD}\n'
        f"directory {root / 'data'}\ndbnosync\nsizelimit unlimited\n"
    )
    subprocess.run(["slaptest", "-u", "-f", str(root / "slapd.conf")], check=True, capture_output=True)
    port = _free_port()
    url = f"ldap://127.0.0.1:{port}"
    log = (root / "slapd.log").open("w")
    process = subprocess.Popen([SLAPD, "-f", str(root / "slapd.conf"), "-h", f"{url}/", "-d", "0"],
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"slapd s'est arrêté au démarrage : {(root / 'slapd.log').read_text()}")
                time.sleep(0.1)
        connection = ldap3.Connection(ldap3.Server(url, get_info=ldap3.NONE), ADMIN_DN, ADMIN_PASSWORD,
                                      auto_bind=True, raise_exceptions=True)  # fmt: skip
        connection.add(BASE, ["dcObject", "organization"], {"o": "Relais", "dc": "relais"})
        connection.add(PEOPLE, ["organizationalUnit"], {"ou": "people"})
        yield {"url": url, "connection": connection}
        connection.unbind()
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def add_user(connection, uid, **attributes):
    connection.add(f"uid={uid},{PEOPLE}", ["inetOrgPerson", "relaisTestADUser"],
                   {"cn": uid, "sn": uid, "sAMAccountName": uid, **attributes})  # fmt: skip


@pytest.fixture(scope="module")
def directory(slapd):
    c = slapd["connection"]
    add_user(
        c,
        "nmartin",
        employeeID="100001",
        mail="nadia.martin@paris.fr",
        whenCreated="20250105103000.0Z",
        lastLogonTimestamp="133500000000000000",
        lastLogon="133510000000000000",
        pwdLastSet="133400000000000000",
        userAccountControl="512",
        proxyAddresses=["SMTP:nadia.martin@paris.fr", "smtp:nm@paris.fr"],
    )
    add_user(
        c,
        "kroux",
        mail="",
        userPrincipalName="kroux@ad.paris.fr",
        whenCreated="20250105103000.0Z",
        lastLogonTimestamp="0",
        pwdLastSet="0",
        userAccountControl="514",
        proxyAddresses=["SMTP:karim.roux@paris.fr"],
    )
    add_user(c, "salle", mail="salle.reunion@paris.fr", userAccountControl="512")
    # Enough entries for several pages of 500.
    for i in range(1200):
        add_user(
            c,
            f"agent{i}",
            employeeID=str(200000 + i),
            userAccountControl="512",
            lastLogonTimestamp=str(133500000000000000 + i * 864000000000),
        )
    return slapd  # fmt: skip


@pytest.fixture
def agents(dpe):
    nadia = AgentFactory(matricule="100001", direction=dpe)
    karim = AgentFactory(matricule="100002", direction=dpe, work_email="karim.roux@paris.fr")
    others = AgentFactory.create_batch(3, direction=dpe, matricule=factory_matricules())
    return {"nadia": nadia, "karim": karim, "others": others}


def factory_matricules():
    import factory

    return factory.Iterator([str(200000 + i) for i in range(3)])


@pytest.mark.django_db
def test_sync_directory_records_observations_through_paged_search(directory, agents, capsys, settings):
    settings.RELAIS_LDAP_URL = directory["url"]
    settings.RELAIS_LDAP_BASE_DN = PEOPLE
    settings.RELAIS_LDAP_BIND_DN = ADMIN_DN
    os.environ["RELAIS_TEST_LDAP_PASSWORD"] = ADMIN_PASSWORD
    call_command("sync_directory", "--filter", "(objectClass=inetOrgPerson)", "--password-env",
                 "RELAIS_TEST_LDAP_PASSWORD", "--page-size", "500", "--as-of", "2026-03-01")  # fmt: skip
    out = capsys.readouterr().out
    assert "1203 comptes lus" in out and "5 observations nouvelles" in out
    run = ImportRun.objects.get()
    assert run.source == "ad" and run.count_unmatched == 1198 and run.as_of == datetime.date(2026, 3, 1)
    nadia = ToolAccount.objects.get(agent=agents["nadia"])
    assert nadia.provisioned_on == datetime.date(2025, 1, 5)
    assert nadia.last_activity_on == datetime.date(2024, 1, 29)  # lastLogon, later than lastLogonTimestamp
    karim = ToolAccount.objects.get(agent=agents["karim"])  # matched by the primary SMTP address
    assert karim.activated_on is None and karim.disabled_on == datetime.date(2026, 3, 1)
    assert Observation.objects.filter(source="ad").count() == 5
    # Twice: nothing new.
    call_command("sync_directory", "--url", directory["url"], "--base", PEOPLE, "--bind-dn", ADMIN_DN,
                 "--filter", "(objectClass=inetOrgPerson)", "--password-env", "RELAIS_TEST_LDAP_PASSWORD",
                 "--as-of", "2026-03-01")  # fmt: skip
    assert Observation.objects.count() == 5


@pytest.mark.django_db
def test_attribute_mapping_is_configurable(directory, agents, settings):
    settings.RELAIS_LDAP_ATTRIBUTES = {"employee_id": "uid", "employee_number": ""}
    os.environ["RELAIS_TEST_LDAP_PASSWORD"] = ADMIN_PASSWORD
    agents["nadia"].matricule = "nmartin"
    agents["nadia"].save()
    call_command("sync_directory", "--url", directory["url"], "--base", PEOPLE, "--bind-dn", ADMIN_DN,
                 "--password-env", "RELAIS_TEST_LDAP_PASSWORD", "--filter", "(uid=nmartin)", "--dry-run")  # fmt: skip
    run = ImportRun.objects.get()
    assert run.count_new == 1 and not Observation.objects.exists()


@pytest.mark.django_db
def test_wrong_password_and_unreachable_directory_are_clear(directory):
    os.environ["RELAIS_TEST_LDAP_PASSWORD"] = "faux"
    with pytest.raises(CommandError, match="refusé l'authentification"):
        call_command("sync_directory", "--url", directory["url"], "--base", PEOPLE, "--bind-dn", ADMIN_DN,
                     "--password-env", "RELAIS_TEST_LDAP_PASSWORD")  # fmt: skip
    with pytest.raises(CommandError, match="impossible"):
        call_command("sync_directory", "--url", f"ldap://127.0.0.1:{_free_port()}", "--base", PEOPLE)
    with pytest.raises(CommandError, match="Champs inconnus"):
        call_command("sync_directory", "--url", directory["url"], "--base", PEOPLE, "--map", "nir=x")
