"""Real mail servers for the assistance tests: aiosmtpd for SMTP, a private dovecot for IMAP."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Collector:
    """An aiosmtpd handler keeping every message received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        import email
        from email import policy

        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on a free localhost port; Django sends to it through its real SMTP backend."""
    from aiosmtpd.controller import Controller

    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield collector
    finally:
        controller.stop()


DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


class Imap:
    def __init__(self, host, port, user, password):
        self.host, self.port, self.user, self.password = host, port, user, password

    def connect(self):
        import imaplib

        imap = imaplib.IMAP4(self.host, self.port)
        imap.login(self.user, self.password)
        return imap

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        imap = self.connect()
        try:
            imap.append(folder, "", None, raw)
        finally:
            imap.logout()

    def flags(self, folder: str = "INBOX") -> list[str]:
        imap = self.connect()
        try:
            status, _ = imap.select(f'"{folder}"')
            assert status == "OK", f"dossier IMAP introuvable : {folder}"
            _, data = imap.uid("SEARCH", None, "ALL")
            out = []
            for uid in data[0].split():
                _, parts = imap.uid("FETCH", uid, "(FLAGS)")
                out.append(parts[0].decode())
            return out
        finally:
            imap.logout()

    def folder(self, path: str) -> str:
        """`path` with "/" as separator, in the server's own (dovecot's maildir uses ".")."""
        imap = self.connect()
        try:
            _, data = imap.list('""', '""')
            delimiter = data[0].split(b'"')[1].decode()
            return path.replace("/", delimiter)
        finally:
            imap.logout()

    def create(self, folder: str) -> None:
        imap = self.connect()
        try:
            imap.create(folder)
        finally:
            imap.logout()


@pytest.fixture
def imap_server():
    """A private dovecot IMAP server (plain text on localhost, one mailbox), stopped after the test."""
    if not Path(DOVECOT).exists():
        pytest.fail(
            "dovecot est introuvable (/usr/sbin/dovecot) : installez le paquet Debian dovecot-imapd "
            "pour les tests de relève IMAP (voir .ci/run)."
        )
    # Not pytest's tmp_path: its parents are private to root, and dovecot's workers run as another user.
    root = Path(tempfile.mkdtemp(prefix="relais-dovecot-"))
    if os.getuid() == 0:
        # Dovecot refuses to serve mail as root: run the mail processes as the dovecot system user.
        internal = pwd.getpwnam("dovecot")
        login = "dovenull" if _user_exists("dovenull") else "dovecot"
        uid, gid, user, group = internal.pw_uid, internal.pw_gid, "dovecot", _group_name(internal.pw_gid)
    else:
        me = pwd.getpwuid(os.getuid())
        uid, gid, user, group, login = me.pw_uid, me.pw_gid, me.pw_name, _group_name(me.pw_gid), me.pw_name
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    port = free_port()
    (root / "passwd").write_text("relais:{PLAIN}imap-test-password::::::\n")
    conf = root / "dovecot.conf"
    conf.write_text(
        DOVECOT_CONF.format(root=root, user=user, group=group, login_user=login, uid=uid, gid=gid, port=port)
    )
    if os.getuid() == 0:
        for path in [root, *root.rglob("*")]:
            os.chown(path, uid, gid)
        os.chmod(root, 0o755)
    process = subprocess.Popen(  # noqa: S603
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                    output = process.stdout.read().decode() if process.poll() is not None else ""
                    pytest.fail(f"dovecot n'a pas démarré :\n{output}\n{log}")
                time.sleep(0.1)
        yield Imap("127.0.0.1", port, "relais", "imap-test-password")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
        shutil.rmtree(root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name
