from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "relais.accounts"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from relais.accounts.sessions import on_user_logged_in, on_user_logged_out

        # Django's own sign-in signals: the one place every backend (password, single sign-on) goes through.
        user_logged_in.connect(on_user_logged_in, dispatch_uid="relais.accounts.session_start")
        user_logged_out.connect(on_user_logged_out, dispatch_uid="relais.accounts.session_end")
