from relais.insights.tables import Column, Hidden, Table

COLUMNS = [Column("Statut"), Column("Agents en poste", "int", is_size=True), Column("Comptes activés", "int")]


def table(rows, *, partition):
    return Table(key="t", caption="t", columns=COLUMNS, rows=rows, partition=partition)


def hidden(shown) -> list[str]:
    return [row[0] for row in shown.rows if isinstance(row[1], Hidden)]


def test_a_single_small_group_of_a_partition_takes_the_smallest_other_with_it():
    """Total 63 activated, shown elsewhere: with only "Apprenti" hidden, 63 - 40 - 18 would give its 2 back."""
    rows = [["Titulaire", 60, 40], ["Contractuel", 25, 18], ["Stagiaire", 0, 0], ["Apprenti", 3, 2]]
    shown = table(rows, partition=True).hide_small_groups(5)
    assert hidden(shown) == ["Contractuel", "Apprenti"]
    assert shown.hidden_rows == 2
    assert shown.rows[0] == ["Titulaire", 60, 40]  # the largest group keeps its figures
    assert shown.rows[2] == ["Stagiaire", 0, 0]  # an empty group is not a complement: it hides nothing


def test_two_small_groups_protect_each_other():
    rows = [["Titulaire", 60, 40], ["Contractuel", 25, 18], ["Stagiaire", 4, 1], ["Apprenti", 3, 2]]
    shown = table(rows, partition=True).hide_small_groups(5)
    assert hidden(shown) == ["Stagiaire", "Apprenti"]


def test_rows_that_are_not_a_partition_hide_their_small_groups_only():
    """Days of a trend each count the whole population: no total gives a hidden day back."""
    rows = [["janvier", 3, 1], ["février", 25, 18], ["mars", 60, 40]]
    shown = table(rows, partition=False).hide_small_groups(5)
    assert hidden(shown) == ["janvier"]


def test_a_partition_without_another_group_hides_the_small_one_only():
    shown = table([["Titulaire", 3, 2], ["Contractuel", 0, 0]], partition=True).hide_small_groups(5)
    assert hidden(shown) == ["Titulaire"]
    assert shown.rows[1] == ["Contractuel", 0, 0]
