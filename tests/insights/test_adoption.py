import datetime

from relais.accounts.enums import Role
from relais.adoption.selectors import activation_by
from relais.insights.adoption import adoption_dashboard, adoption_tables, trend_days
from relais.insights.population import PopulationFilter
from relais.insights.tables import Hidden
from tests.factories import mailbox
from tests.insights.conftest import today

D = datetime.date


def ladder(f):
    return (f.agents, f.provisioned, f.activated, f.recent)


def test_totals_and_funnel_match_hand_count(city, users):
    board = adoption_dashboard(user=users[Role.COORDINATOR], tool=mailbox())
    assert ladder(board.total) == (6, 5, 3, 1)
    assert [s.count for s in board.funnel_of(mailbox())] == [6, 5, 3, 1]
    by = {k: {f.label: ladder(f) for f in rows} for k, rows in board.breakdowns.items()}
    assert by["direction"] == {"DFPE — Familles et petite enfance": (2, 2, 2, 0), "DPE — Propreté et eau": (4, 3, 1, 1)}
    assert by["category"] == {"Catégorie B": (1, 0, 0, 0), "Catégorie C": (5, 5, 3, 1)}
    assert by["statut"] == {"Titulaire": (5, 4, 3, 1), "Contractuel": (1, 1, 0, 0)}
    assert by["filiere"] == {"Technique": (4, 3, 1, 1), "Médico-sociale": (2, 2, 2, 0)}
    assert by["site_kind"] == {"Dépôt de propreté": (4, 3, 1, 1), "Crèche": (2, 2, 2, 0)}
    assert by["site"] == {"Dépôt Nord": (4, 3, 1, 1), "Crèche Soleil": (2, 2, 2, 0)}
    assert by["service"] == {"DPE · Collecte": (4, 3, 1, 1), "DFPE · Crèches Est": (2, 2, 2, 0)}
    assert {s.name for s in board.sites} == {"Dépôt Nord", "Crèche Soleil"}


def test_past_day_uses_the_history(city, users):
    """On 20 Apr 2025 a1 was used 15 days before (observation), though its latest activity is recent."""
    board = adoption_dashboard(user=users[Role.COORDINATOR], tool=mailbox(), day=D(2025, 4, 20))
    assert ladder(board.total) == (6, 5, 2, 1)
    board = adoption_dashboard(user=users[Role.COORDINATOR], tool=mailbox(), day=D(2025, 1, 15))
    assert ladder(board.total) == (7, 6, 1, 0)  # a5 still in post, activated in 2024


def test_trend_equals_reference_selector_every_day(city, users):
    coordinator = users[Role.COORDINATOR]
    board = adoption_dashboard(user=coordinator, tool=mailbox())
    assert [p.day for p in board.trend] == trend_days(today())
    for point in board.trend:
        (ref,) = activation_by(user=coordinator, tool=mailbox(), day=point.day)
        assert (point.agents, point.provisioned, point.activated) == (ref.agents, ref.accounts, ref.activated)


def test_filters_restrict_the_population(city, users, dpe):
    board = adoption_dashboard(
        user=users[Role.COORDINATOR],
        tool=mailbox(),
        population=PopulationFilter(directions=(dpe.pk,), categories=("C",)),
    )
    assert ladder(board.total) == (3, 3, 1, 1)


def test_hr_sees_only_their_directions_and_small_groups_hidden(city, users):
    board = adoption_dashboard(user=users[Role.HR], tool=mailbox())
    assert ladder(board.total) == (4, 3, 1, 1)
    assert [f.label for f in board.breakdowns["direction"]] == ["DPE — Propreté et eau"]
    table = adoption_tables(board)["adoption-direction"].hide_small_groups(5)
    assert table.rows[0][0] == "DPE — Propreté et eau"
    assert all(isinstance(v, Hidden) for v in table.rows[0][1:])
    assert str(table.rows[0][1]) == "< 5"


def test_trend_days_are_month_starts_then_the_day():
    days = trend_days(D(2026, 11, 28))
    assert days[0] == D(2025, 12, 1) and days[-2] == D(2026, 11, 1) and days[-1] == D(2026, 11, 28)
    assert len(days) == 13
    assert trend_days(D(2026, 11, 1))[-1] == D(2026, 11, 1) and len(trend_days(D(2026, 11, 1))) == 12
