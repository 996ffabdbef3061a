"""CSV and XLSX downloads of every dashboard table, with the page's filters (and its small-group rule)."""

from functools import partial

from django.http import Http404

from relais.insights.permissions import can_view_dashboards
from relais.insights.views.adoption import adoption_page
from relais.insights.views.common import file_response, require
from relais.insights.views.impact import impact_page
from relais.insights.views.output import output_page
from relais.insights.views.skills import skills_page

# Each page builder returns the page's context; its "tables" are exactly what the page shows.
PAGES = {"adoption": partial(adoption_page, all_sites=True), "impact": impact_page, "activite": output_page,
         "competences": skills_page}  # fmt: skip


def table_export(request, page: str, key: str, fmt: str):
    require(can_view_dashboards(request.user))
    build = PAGES.get(page)
    if build is None or fmt not in ("csv", "xlsx"):
        raise Http404
    table = build(request)["tables"].get(key)
    if table is None:
        raise Http404
    return file_response(table, fmt, key)
