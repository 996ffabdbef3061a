"""Writes of the skills area."""

from django.db import transaction

from relais.imports.enums import ImportKind
from relais.imports.models import ImportRun
from relais.imports.services import can_apply, import_run_analyse
from relais.journal.services import journal_record


class NotConfirmable(Exception):
    """The run is not a Pix import waiting to be applied."""


def pix_run_confirm(
    *, run: ImportRun, acting_user, direction_id: int | None, confirmed: list[tuple[int, int]]
) -> ImportRun:
    """Record the campaign's direction and the name matches an administrator confirmed, then analyse again.

    Only proposals the analysis made can be confirmed (a line and the one agent proposed for it): a person is
    never attached to an agent Relais did not propose, nor without this explicit step.
    """
    if run.kind != ImportKind.PIX or not can_apply(run):
        raise NotConfirmable("Cet import ne peut plus être modifié.")
    proposed = {(p["line"], p["agent_id"]) for p in (run.examples or {}).get("pix", {}).get("proposals", [])}
    kept = sorted({pair for pair in confirmed if pair in proposed})
    direction_changed = run.options.get("direction_id") != direction_id
    with transaction.atomic():
        run.options["direction_id"] = direction_id
        # A new direction brings new proposals: earlier confirmations do not carry over to it.
        run.options["confirmed"] = [] if direction_changed else [list(p) for p in kept]
        run.save(update_fields=["options", "updated_at"])
        journal_record(
            acting_user=acting_user,
            action="skills.pix_confirm",
            obj=run,
            payload={"direction": direction_id, "confirmes": run.options["confirmed"]},
        )
    return import_run_analyse(run=run)
