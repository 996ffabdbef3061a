from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from relais.imports.permissions import can_import
from relais.imports.selectors import import_run_get
from relais.skills.forms import PixConfirmForm
from relais.skills.services import NotConfirmable, pix_run_confirm


def _pairs(values: list[str]) -> list[tuple[int, int]]:
    pairs = []
    for value in values:
        line, _, agent = value.partition(":")
        if line.isdigit() and agent.isdigit():
            pairs.append((int(line), int(agent)))
    return pairs


@require_POST
def pix_confirm(request, public_id):
    """The import page's step where name matches of a Pix export are confirmed (never made silently)."""
    if not can_import(request.user):
        raise PermissionDenied
    run = import_run_get(request.user, public_id)
    form = PixConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Direction inconnue.")
        return redirect("imports:run_detail", public_id=run.public_id)
    direction = form.cleaned_data["direction"]
    try:
        run = pix_run_confirm(
            run=run,
            acting_user=request.user,
            direction_id=direction.pk if direction else None,
            confirmed=_pairs(request.POST.getlist("confirmer")),
        )
    except NotConfirmable as exc:
        messages.error(request, str(exc))
    else:
        confirmed = len(run.options.get("confirmed") or [])
        messages.success(
            request, f"Choix enregistrés : {confirmed} rapprochement{'s' if confirmed > 1 else ''} par nom confirmé"
            f"{'s' if confirmed > 1 else ''}. Le bilan ci-dessous en tient compte ; rien n'est encore appliqué."
        )  # fmt: skip
    return redirect("imports:run_detail", public_id=run.public_id)
