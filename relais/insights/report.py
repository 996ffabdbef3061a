"""The monthly report (PDF, reportlab): key figures, charts, tables and method notes, for sharing.

It is made to leave the team (management, directions), so small groups are ALWAYS hidden
(`RELAIS_SMALL_GROUP_THRESHOLD`), whoever prints it.
"""

import calendar
import datetime
import io
from dataclasses import dataclass

from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from relais.adoption.models import MAILBOX, Tool
from relais.insights.adoption import adoption_dashboard, adoption_tables
from relais.insights.campaigns import campaign_progress
from relais.insights.impact import impact, impact_table
from relais.insights.models import Campaign
from relais.insights.output import month_label, output, output_tables
from relais.insights.tables import Hidden, format_cell

ACCENT = colors.HexColor("#0b5d6b")
SECOND = colors.HexColor("#8a4b00")
MONTH_NAMES = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


class ReportError(ValueError):
    pass


@dataclass
class CityReader:
    """The reader of a report made outside a request (the command): the whole city, as the coordination."""

    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = True
    role: str = "admin"
    pk: None = None
    username: str = "rapport"


def parse_month(text: str) -> datetime.date:
    try:
        year, month = (int(part) for part in text.split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ReportError(f"Mois « {text} » invalide : attendu AAAA-MM, par exemple 2026-11.") from exc


def report_day(month: datetime.date, today: datetime.date | None = None) -> datetime.date:
    """The situation day of a month's report: its last day, or today for the current month."""
    today = today or timezone.localdate()
    if month > today:
        raise ReportError(f"Le mois {month:%m/%Y} n'a pas commencé : pas de rapport.")
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return min(last, today)


def _text(value) -> str:
    """Text the PDF's standard fonts can draw (no narrow no-break space, no minus sign)."""
    return str(value).replace("\u202f", " ").replace("\u2212", "-").replace("\u2009", " ")


def _table(table, styles, *, max_rows: int = 40):
    shown = table.hide_small_groups()
    header = [_text(c.label) for c in shown.columns]
    body = [[_text(v) for v in row] for row in shown.display_rows()[:max_rows]]
    cell = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)
    data = [[Paragraph(h, cell) for h in header]] + [[Paragraph(v, cell) for v in row] for row in body]
    widths = [5.2 * cm] + [(17.5 - 5.2) * cm / max(len(header) - 1, 1)] * (len(header) - 1)
    flow = Table(data, colWidths=widths, repeatRows=1)
    flow.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3f0f2")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa3ad")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    parts = [Paragraph(_text(shown.caption), styles["Heading4"]), flow]
    notes = []
    if len(table.rows) > max_rows:
        notes.append(f"{max_rows} premières lignes sur {len(table.rows)} ; le tableau complet s'exporte depuis Relais.")
    if shown.hidden_rows:
        notes.append(f"{shown.hidden_rows} groupe(s) de moins de {_threshold()} agents masqué(s) (secret statistique).")
    for note in notes:
        parts.append(Paragraph(_text(note), styles["Italic"]))
    parts.append(Spacer(1, 0.4 * cm))
    return parts


def _threshold() -> int:
    from django.conf import settings

    return settings.RELAIS_SMALL_GROUP_THRESHOLD


def _line_chart(labels: list[str], series: list[list[float | None]], names: list[str], title: str) -> Drawing:
    drawing = Drawing(17 * cm, 6.5 * cm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 40, 40, 15 * cm - 40, 4.5 * cm
    chart.data = [[(v * 100 if v is not None else None) for v in s] for s in series]
    chart.categoryAxis.categoryNames = [_text(label) for label in labels]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.valueAxis.labels.fontSize = 7
    for i, colour in enumerate((ACCENT, SECOND)[: len(series)]):
        chart.lines[i].strokeColor = colour
        chart.lines[i].strokeWidth = 2
        if i:
            chart.lines[i].strokeDashArray = (4, 3)
    drawing.add(chart)
    drawing.add(String(40, 6.5 * cm - 12, _text(title), fontSize=9))
    x = 40
    for i, name in enumerate(names):
        drawing.add(String(x, 8, _text(("— " if i == 0 else "- - ") + name), fontSize=8, fillColor=(ACCENT, SECOND)[i]))
        x += 200
    return drawing


def _bar_chart(labels: list[str], values: list[float | None], title: str) -> Drawing:
    height = max(3 * cm, 0.55 * cm * len(labels) + 1.5 * cm)
    drawing = Drawing(17 * cm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 5.5 * cm, 15, 10 * cm, height - 1.3 * cm
    chart.data = [[(v * 100 if v is not None else 0) for v in values]]
    chart.categoryAxis.categoryNames = [_text(label)[:38] for label in labels]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.reverseDirection = True
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, 100
    chart.valueAxis.labelTextFormat = "%d %%"
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = ACCENT
    chart.barLabelFormat = lambda v: f"{v:.0f} %"
    chart.barLabels.fontSize = 6.5
    chart.barLabels.dx = 12
    drawing.add(chart)
    drawing.add(String(0, height - 10, _text(title), fontSize=9))
    return drawing


def monthly_report(*, month: datetime.date, user=None, today: datetime.date | None = None) -> bytes:
    """The report of `month` as a PDF, for what `user` may see (the whole city without a user)."""
    user = user or CityReader()
    day = report_day(month, today)
    tool = Tool.objects.filter(code=MAILBOX).first() or Tool.objects.filter(is_active=True).first()
    if tool is None:
        raise ReportError("Aucun outil suivi : pas de rapport.")
    styles = getSampleStyleSheet()
    story = []
    title = f"Relais — rapport mensuel, {MONTH_NAMES[month.month - 1]} {month.year}"
    story.append(Paragraph(_text(title), styles["Title"]))
    story.append(
        Paragraph(
            _text(
                f"Situation au {day:%d/%m/%Y}. Diffusion hors de l'équipe : les groupes de moins de "
                f"{_threshold()} agents sont masqués (secret statistique)."
            ),
            styles["Italic"],
        )
    )
    board = adoption_dashboard(user=user, tool=tool, day=day)
    tables = adoption_tables(board)
    effect = impact(user=user, tool=tool, day=day)
    month_out = output(user=user, start=month, end=day)
    out_tables = output_tables(month_out, with_mediators=False)
    start_point = next((p for p in board.trend if p.day == month), None)

    # Key figures.
    story.append(Paragraph("Chiffres clés", styles["Heading2"]))
    total = board.total
    lines = [
        f"Taux d'activation ({tool.name.lower()}) : {format_cell(total.rate, 'rate')} "
        f"({total.activated} comptes activés sur {total.provisioned} créés, {total.agents} agents en poste)"
        + (f", contre {format_cell(start_point.rate, 'rate')} au 1er du mois." if start_point else "."),
        effect.headline() if effect.met_holding >= _threshold() else "Moins de 5 agents rencontrés : effet non publié.",
        f"Ce mois-ci : {len(month_out.total.visits)} visites, {month_out.total.people} agents distincts rencontrés, "
        f"{month_out.total.activations} messageries activées en séance, "
        f"{month_out.total.hours:.0f} heures d'activités ; "
        f"{month_out.followups['ouverts']} suivis encore ouverts.",
    ]
    for line in lines:
        story.append(Paragraph(_text("• " + line), styles["BodyText"]))
    story.append(Spacer(1, 0.3 * cm))

    # Charts.
    trend = tables["adoption-trend"].hide_small_groups()
    rates = [None if isinstance(v, Hidden) else v for v in trend.column("Taux d'activation")]
    labels = [p.day.strftime("%m/%y") if p.day.day == 1 else p.day.strftime("%d/%m") for p in board.trend]
    story.append(_line_chart(labels, [rates], ["Taux d'activation"], "Évolution du taux d'activation sur 12 mois"))
    directions = tables["adoption-direction"].hide_small_groups()
    d_rates = [None if isinstance(v, Hidden) else v for v in directions.column("Taux d'activation")]
    story.append(
        _bar_chart(
            [str(r[0]).split(" — ")[0] for r in directions.rows],
            d_rates,
            "Taux d'activation par direction (groupes masqués : barre vide)",
        )
    )
    curve = list(effect.points)
    if any(p.met_agents >= _threshold() for p in curve):
        story.append(
            _line_chart(
                [p.label for p in curve],
                [
                    [p.met_rate if p.met_agents >= _threshold() else None for p in curve],
                    [p.control_rate if p.met_agents >= _threshold() else None for p in curve],
                ],
                ["Agents rencontrés", "Comparables non rencontrés"],
                "Activation selon le temps écoulé depuis la première rencontre",
            )
        )

    # Tables.
    story.append(Paragraph("Tableaux", styles["Heading2"]))
    for key in ("adoption-funnel", "adoption-direction", "adoption-site_kind", "adoption-category"):
        story.extend(_table(tables[key], styles))
    story.extend(_table(impact_table(effect), styles))
    for key in ("output-direction", "output-site-kind", "output-topic", "output-outcome", "output-followup"):
        story.extend(_table(out_tables[key], styles))
    campaigns = list(Campaign.objects.visible_to(user).select_related("tool"))
    if campaigns:
        story.append(Paragraph("Campagnes", styles["Heading3"]))
        for c in campaigns:
            p = campaign_progress(user=user, campaign=c, day=day)
            projected = p.projected_date.strftime("%d/%m/%Y") if p.projected_date else "jamais au rythme actuel"
            story.append(
                Paragraph(
                    _text(
                        f"• {c.name} : {format_cell(p.share, 'rate')} des {p.agents} agents, objectif "
                        f"{format_cell(c.target_share, 'rate')} au {c.deadline:%d/%m/%Y} ; "
                        f"au rythme actuel : {projected}."
                    ),
                    styles["BodyText"],
                )
            )

    # Method notes.
    notes = [
        "Taux d'activation : comptes activés (première connexion faite, compte non désactivé) ÷ comptes créés, "
        "parmi les agents en poste le jour dit ; recalculé depuis les dates connues de chaque compte.",
        "Effet de la médiation : agents rencontrés comptés à leur première rencontre (y compris les personnes hors "
        "référentiel rattachées ensuite), comparés aux agents jamais rencontrés de même direction, catégorie et type "
        "de site, le même jour calendaire ; intervalles à 95 % : Wilson (rencontrés), normal stratifié (comparables).",
        "Activité : un atelier de 10 personnes compte 10 accompagnements ; agents comptés distincts ; visites "
        "annulées exclues.",
        f"Secret statistique : tout groupe de moins de {_threshold()} agents est masqué (« < {_threshold()} »).",
    ]
    block = [Paragraph("Méthode", styles["Heading2"])]
    block += [Paragraph(_text("• " + n), styles["BodyText"]) for n in notes]
    story.append(KeepTogether(block))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=1.8 * cm,
        rightMargin=1.8 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
        title=_text(title),
        author="Relais",
        lang="fr-FR",
    )
    doc.build(story)
    return buffer.getvalue()


def month_choices(today: datetime.date | None = None, count: int = 12) -> list[datetime.date]:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    out = []
    for back in range(count):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        out.append(datetime.date(year, month + 1, 1))
    return out


__all__ = ["ReportError", "monthly_report", "month_label", "parse_month", "month_choices"]
