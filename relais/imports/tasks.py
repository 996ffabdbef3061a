"""Background work for large imports: the task takes the run's id and calls the service."""

from django.contrib.auth import get_user_model
from django_tasks import task

from relais.imports.enums import ImportStatus
from relais.imports.models import ImportRun


@task()
def import_run_process(run_id: int, step: str) -> str:
    """Analyse (dry run) or apply an import run; the run records its own outcome and progress."""
    from relais.imports import services

    run = ImportRun.objects.get(pk=run_id)
    try:
        if step == "analyse":
            services.import_run_analyse(run=run)
        else:
            user_id = run.options.get("applied_by")
            user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
            services.import_run_apply_now(run=run, acting_user=user)
    except Exception as exc:
        # Whatever went wrong, the page must stop waiting: record the failure, then let the worker log it.
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED, phase="", error=f"Erreur inattendue pendant l'import : {exc}"[:2000]
        )
        raise
    run.refresh_from_db(fields=["status"])
    return run.status
