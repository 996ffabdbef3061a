"""The monthly report: choose a month, download the PDF (small groups always hidden: it is made to be shared)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from relais.insights.permissions import can_view_dashboards
from relais.insights.report import ReportError, month_choices, monthly_report, parse_month
from relais.insights.views.common import nav, require


def report_view(request):
    require(can_view_dashboards(request.user))
    months = [(m.strftime("%Y-%m"), m) for m in month_choices()]
    return render(request, "insights/report.html", {"months": months, "nav": nav(request.user)})


def report_pdf(request):
    require(can_view_dashboards(request.user))
    try:
        month = parse_month(request.GET.get("mois", ""))
        pdf = monthly_report(month=month, user=request.user)
    except ReportError as exc:
        messages.error(request, str(exc))
        return redirect("insights:report")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="relais-rapport-{month:%Y-%m}.pdf"'
    return response
