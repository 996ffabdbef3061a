"""Background work for planning: drawing a week takes longer than a web request may last."""

from django_tasks import task

from relais.planning.enums import RunStatus
from relais.planning.models import PlanRun


@task()
def plan_run_process(run_id: int) -> str:
    """Draw the run's week (or its what-if); the run records its own progress and outcome."""
    from relais.planning import services

    run = PlanRun.objects.get(pk=run_id)
    try:
        services.plan_run_execute(run=run)
    except Exception as exc:
        # Whatever went wrong, the page must stop waiting: record the failure, then let the worker log it.
        PlanRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, phase="", error=f"Erreur inattendue pendant le calcul : {exc}"[:2000]
        )
        raise
    run.refresh_from_db(fields=["status"])
    return run.status
