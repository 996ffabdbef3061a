"""Background work of accounts: the password-reset e-mail (sent by the task worker, after the request's commit)."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from relais.accounts.models import User
from relais.journal.services import journal_record


def password_reset_link(user: User) -> str:
    """The one-time link (Django's token: it stops working once the password changes, or after
    PASSWORD_RESET_TIMEOUT), on RELAIS_BASE_URL: never on the Host header a request came with.
    """
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.RELAIS_BASE_URL.rstrip('/')}{path}"


@task()
def password_reset_mail_send(user_ids: list[int]) -> None:
    """Journal and send each account's reset link (an empty list: the address named no local account)."""
    for user in User.objects.filter(pk__in=user_ids, is_active=True):
        # Checked again when the worker runs: local login switched off, or the account moved to single sign-on.
        if not user.email or not user.has_usable_password() or not settings.RELAIS_LOCAL_LOGIN:
            continue
        with transaction.atomic():
            journal_record(
                acting_user=None, action="accounts.password_reset_request", obj=user, payload={"moyen": "e-mail"}
            )
        context = {"user": user, "link": password_reset_link(user), "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}
        EmailMessage(
            subject="Relais : choisir un nouveau mot de passe",
            body=render_to_string("accounts/mail/password_reset.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers={"Auto-Submitted": "auto-generated"},
        ).send(fail_silently=False)
