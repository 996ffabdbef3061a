from django.apps import AppConfig


class DiagnosticConfig(AppConfig):
    name = "relais.diagnostic"
    verbose_name = "Diagnostic numérique"

    def ready(self):
        from relais.diagnostic.evidence import diagnostic_evidence
        from relais.skills.profiles import register_source

        register_source(diagnostic_evidence)
