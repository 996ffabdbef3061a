from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "relais.core"
    verbose_name = "Socle"

    def ready(self):
        # The admin site has discovered every app's admin module by now (django.contrib.admin comes first).
        from django.contrib import admin

        from relais.core.forms import protect_admin

        protect_admin(admin.site)
