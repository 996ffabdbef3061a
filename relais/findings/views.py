"""HR data reliability pages: directions, a direction, an HR manager's findings (export, justify), requests."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from relais.agents.models import HRManager
from relais.core.exports import csv_bytes, xlsx_bytes
from relais.findings import permissions, selectors, services
from relais.findings.enums import Family, FindingStatus
from relais.findings.forms import JustifyForm
from relais.findings.models import Finding
from relais.interventions.models import InterventionRequest
from relais.organisation.models import Direction

PAGE_SIZE = 50
EXPORT_HEADER = ["Matricule", "Ligne", "Colonne", "Règle", "Famille", "Gravité", "Constat", "État", "Ouvert le",
                 "Direction"]  # fmt: skip


def _allowed(request):
    if not permissions.can_view_findings(request.user):
        raise PermissionDenied


def _direction(request, public_id):
    return get_object_or_404(Direction.objects.visible_to(request.user), public_id=public_id)


def _manager(request, public_id):
    manager = get_object_or_404(HRManager, public_id=public_id)
    if not Finding.objects.visible_to(request.user).filter(hr_manager=manager).exists():
        raise Http404
    return manager


def overview(request):
    _allowed(request)
    rows = selectors.direction_rows(user=request.user)
    return render(
        request,
        "findings/overview.html",
        {
            "rows": rows,
            "families": [f.label for f in Family],
            "managers": selectors.manager_rows(user=request.user, limit=10),
        },
    )


def direction_detail(request, public_id):
    _allowed(request)
    direction = _direction(request, public_id)
    from relais.insights.charts import bar_chart

    summary = selectors.direction_summary(user=request.user, direction=direction)
    top = max([n for _, n in summary["trend"]] or [0])
    chart = bar_chart([(d.strftime("%d/%m/%Y"), n, str(n)) for d, n in summary["trend"]], chart_id="findings-trend",
                      labelled_by="trend-title", max_value=top or 1)  # fmt: skip
    context = {
        "direction": direction, "summary": summary, "chart": chart if summary["trend"] else None,
        "managers": selectors.manager_rows(user=request.user, direction=direction),
        "families": [f.label for f in Family],
        "can_request": permissions.can_request_from_findings(request.user, direction),
    }  # fmt: skip
    return render(request, "findings/direction_detail.html", context)


def manager_detail(request, public_id):
    _allowed(request)
    manager = _manager(request, public_id)
    status = request.GET.get("etat", FindingStatus.OPEN)
    status = status if status in FindingStatus.values or status == "" else FindingStatus.OPEN
    qs = selectors.manager_findings(user=request.user, manager=manager, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "findings/manager_detail.html", {
        "manager": manager, "page": page, "status": status, "statuses": FindingStatus.choices,
    })  # fmt: skip


def manager_export(request, public_id, fmt):
    _allowed(request)
    manager = _manager(request, public_id)
    rows = (
        [f.matricule, f.line, f.column, f.rule, f.get_family_display(), f.get_severity_display(), f.message,
         f.get_status_display(), f.opened_at.strftime("%d/%m/%Y"), f.direction.code if f.direction else ""]
        for f in selectors.manager_findings(user=request.user, manager=manager).iterator(chunk_size=2000)
    )  # fmt: skip
    name = f"constats-{manager.public_id}"
    if fmt == "xlsx":
        content = xlsx_bytes(EXPORT_HEADER, rows, sheet="Constats")
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    else:
        response = HttpResponse(csv_bytes(EXPORT_HEADER, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


@require_POST
def finding_justify(request, public_id):
    _allowed(request)
    finding = get_object_or_404(Finding.objects.visible_to(request.user), public_id=public_id)
    form = JustifyForm(request.POST)
    if form.is_valid():
        try:
            services.finding_justify(acting_user=request.user, finding=finding, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Constat {finding.rule} du matricule {finding.matricule} marqué justifié.")
    else:
        messages.error(request, " ".join(form.errors["reason"]))
    if finding.hr_manager_id:
        return redirect("findings:manager_detail", finding.hr_manager.public_id)
    return redirect("findings:overview")


@require_POST
def direction_request(request, public_id):
    _allowed(request)
    direction = _direction(request, public_id)
    if not permissions.can_request_from_findings(request.user, direction):
        raise PermissionDenied
    try:
        created = services.findings_request_intervention(acting_user=request.user, direction=direction)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("findings:direction_detail", direction.public_id)
    messages.success(
        request, "Demande d'intervention envoyée à la coordination pour les gestionnaires RH les plus concernés."
    )
    return redirect("findings:request_assessment", created.public_id)


def request_assessment(request, public_id):
    _allowed(request)
    intervention = get_object_or_404(InterventionRequest.objects.visible_to(request.user), public_id=public_id)
    assessment = selectors.request_assessment(user=request.user, request=intervention)
    if assessment is None:
        raise Http404
    return render(request, "findings/request_assessment.html", {"intervention": intervention, "assessment": assessment})
