import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from relais.core.exports import csv_bytes, xlsx_bytes
from relais.imports import selectors, services
from relais.imports.agents import ImportBlocked
from relais.imports.enums import ImportKind, ImportStatus
from relais.imports.forms import ApplyForm, ImportForm, MappingForm, too_large
from relais.imports.mapping import Proposal
from relais.imports.permissions import can_import


def _require_import(request):
    if not can_import(request.user):
        raise PermissionDenied


@require_GET
def run_list(request):
    _require_import(request)
    return render(request, "imports/run_list.html", {"runs": selectors.import_run_list(request.user)})


@require_http_methods(["GET", "POST"])
def run_create(request):
    _require_import(request)
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": ImportKind.AGENTS})
    if request.method == "POST" and (refused := getattr(request, "upload_refused", None)):
        form.is_valid()
        form.errors["file"] = form.error_class([too_large(refused)])
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        run = services.import_run_start(
            acting_user=request.user,
            kind=data["kind"],
            file_name=upload.name,
            data=upload.read(),
            mode=data["mode"] or "partial",
            source=data["source"] or "",
            as_of=data["as_of"],
            tool=data["tool"].code if data["tool"] else "messagerie",
        )
        return redirect("imports:run_detail", public_id=run.public_id)
    return render(request, "imports/run_form.html", {"form": form})


def _detail(request, run, *, mapping_form=None, problems=None, status=200):
    if mapping_form is None and run.status == ImportStatus.MAPPING:
        proposal = Proposal.from_json(run.options["proposal"])
        mapping_form = MappingForm(proposal=proposal)
        problems = proposal.problems if problems is None else problems
    context = {
        "run": run,
        "report": selectors.import_run_report(run),
        "can_apply": services.can_apply(run),
        "apply_form": ApplyForm(),
        "mapping_form": mapping_form,
        "mapping_problems": problems or [],
    }
    return render(request, "imports/run_detail.html", context, status=status)


@require_GET
def run_detail(request, public_id):
    _require_import(request)
    return _detail(request, selectors.import_run_get(request.user, public_id))


@require_POST
def run_map(request, public_id):
    """The mapping step's answer: the field of each column; the run is analysed once they are sound."""
    _require_import(request)
    run = selectors.import_run_get(request.user, public_id)
    if run.status != ImportStatus.MAPPING:
        messages.info(request, "Les colonnes de cet import ont déjà été choisies.")
        return redirect("imports:run_detail", public_id=run.public_id)
    form = MappingForm(request.POST, proposal=Proposal.from_json(run.options["proposal"]))
    if not form.is_valid():
        return _detail(request, run, mapping_form=form, problems=["Vérifiez les choix signalés."])
    try:
        services.import_run_map(
            run=run,
            acting_user=request.user,
            mapping=form.mapping(),
            date_orders=form.date_orders(),
            profile_name=form.cleaned_data["profile_name"],
        )
    except services.MappingRefused as exc:
        return _detail(request, run, mapping_form=form, problems=exc.problems)
    return redirect("imports:run_detail", public_id=run.public_id)


@require_GET
def run_progress(request, public_id):
    _require_import(request)
    run = selectors.import_run_progress_get(request.user, public_id)
    response = render(request, "imports/run_detail.html#progress", {"run": run})
    if not run.is_in_progress:
        response["HX-Refresh"] = "true"  # done: reload the page to show the report
    return response


@require_POST
def run_apply(request, public_id):
    _require_import(request)
    run = selectors.import_run_get(request.user, public_id)
    form = ApplyForm(request.POST)
    form.is_valid()
    try:
        run = services.import_run_apply(
            run=run, acting_user=request.user, apply_valid_rows=form.cleaned_data.get("apply_valid_rows", False)
        )
    except ImportBlocked as exc:
        messages.error(request, str(exc))
    else:
        if run.is_in_progress:
            messages.info(request, "L'import est appliqué en arrière-plan ; cette page montre son avancement.")
        else:
            messages.success(request, "L'import a été appliqué.")
    return redirect("imports:run_detail", public_id=run.public_id)


@require_POST
def run_discard(request, public_id):
    _require_import(request)
    run = selectors.import_run_get(request.user, public_id)
    if services.can_apply(run) or run.status == ImportStatus.MAPPING:
        services.import_run_discard(run=run, acting_user=request.user)
        messages.info(request, "Import abandonné : rien n'a été appliqué.")
    return redirect("imports:run_detail", public_id=run.public_id)


@require_GET
def run_rejections(request, public_id, fmt):
    """Rejected (and unmatched) lines, then warnings, as CSV or XLSX; every cell made safe from formula injection."""
    _require_import(request)
    run = selectors.import_run_get(request.user, public_id)
    header = ["Ligne", "Colonne", "Valeur", "Motif"]
    rows = services.rejected_rows(run)
    unmatched = (run.examples or {}).get("unmatched") or []
    rows += [[line, "", ident, "Aucun agent ne correspond (matricule, adresse, UPN)."] for line, ident in unmatched]
    rows += [
        [line, column, value, f"Avertissement, ligne gardée : {message}"]
        for line, column, value, message in run.warnings
    ]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", f"rejets-{run.file_name.rsplit('.', 1)[0]}")[:80]
    if fmt == "xlsx":
        content = xlsx_bytes(header, rows, sheet="Lignes rejetées")
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    if fmt != "csv":
        raise Http404
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
