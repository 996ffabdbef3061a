"""`manage.py demo_accounts`: one demo account per role, with one shared password (demo mode only)."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from relais.demo.services import DemoRefused, demo_accounts_ensure, ensure_demo_mode

PASSWORD_ENV = "RELAIS_DEMO_PASSWORD"


def stored_password(path: Path) -> str:
    """The password generated on the first run, kept in `path` (mode 600) so later runs reuse it."""
    if path.exists():
        password = path.read_text(encoding="utf-8").strip()
        if password:
            return password
    path.parent.mkdir(parents=True, exist_ok=True)
    password = f"relais-{secrets.token_urlsafe(12)}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password + "\n")
    os.chmod(path, 0o600)
    return password


class Command(BaseCommand):
    help = (
        "Crée ou met à jour un compte de démonstration par rôle (admin, coordination, mediation, rh, assistance). "
        f"Mot de passe : variable {PASSWORD_ENV}, sinon généré une fois dans var/demo-password.txt."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password-file",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "demo-password.txt",
            help="Fichier du mot de passe généré (var/demo-password.txt par défaut).",
        )

    def handle(self, *args, password_file, **options):
        try:
            ensure_demo_mode()
            from_env = os.environ.get(PASSWORD_ENV, "").strip()
            password = from_env or stored_password(password_file)
            users = demo_accounts_ensure(password=password)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("Comptes de démonstration :")
        for user in users:
            scope = f" ({', '.join(user.directions.values_list('code', flat=True))})" if user.role == "hr" else ""
            self.stdout.write(f"  {user.username:<13} {user.get_role_display()}{scope}")
        if from_env:
            self.stdout.write(f"Mot de passe : celui de la variable {PASSWORD_ENV}.")
        else:
            self.stdout.write(f"Mot de passe : {password}   (conservé dans {password_file})")
