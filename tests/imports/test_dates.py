"""Dates as HR and IT files write them, and the day/month order decided on a whole column."""

import datetime
import io

import openpyxl
import polars as pl
import pytest

from relais.adoption.models import ToolAccount
from relais.agents.models import Agent
from relais.imports.enums import ImportKind, ImportMode, ImportStatus
from relais.imports.parsers import DAY_FIRST, MONTH_FIRST, date_column, date_order, parse_date
from relais.imports.services import import_file
from tests.factories import AgentFactory
from tests.imports.helpers import HR_HEADER, csv_bytes, hr_row

D = datetime.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/09/2015", D(2015, 9, 1)),
        ("1/9/2015", D(2015, 9, 1)),
        ("1/9/15", D(2015, 9, 1)),
        ("01/09/75", D(1975, 9, 1)),
        ("2015-09-01", D(2015, 9, 1)),
        ("2015/09/01", D(2015, 9, 1)),
        ("01-09-2015", D(2015, 9, 1)),
        ("01.09.2015", D(2015, 9, 1)),
        ("01/09/2015 08:30", D(2015, 9, 1)),
        ("01/09/2015 08:30:15", D(2015, 9, 1)),
        ("01/09/2015 9:30:00 AM", D(2015, 9, 1)),
        ("01/09/2015 12:05:00 pm", D(2015, 9, 1)),
        ("2015-09-01T08:30:00Z", D(2015, 9, 1)),
        ("2015-09-01 08:30:00.123+02:00", D(2015, 9, 1)),
        ("1 sept. 2020", D(2020, 9, 1)),
        ("1er septembre 2020", D(2020, 9, 1)),
        ("1ER SEPTEMBRE 2020", D(2020, 9, 1)),
        ("lundi 7 janv. 2019", D(2019, 1, 7)),
        ("7 janvier 2019", D(2019, 1, 7)),
        ("3 févr 2021", D(2021, 2, 3)),
        ("3 fevrier 2021", D(2021, 2, 3)),
        ("3 févr. 21", D(2021, 2, 3)),
        ("15 août 2022", D(2022, 8, 15)),
        ("15 aout 2022", D(2022, 8, 15)),
        ("1 déc. 2023", D(2023, 12, 1)),
        ("01-janv.-20", D(2020, 1, 1)),
        ("12 mars 2024", D(2024, 3, 12)),
        ("5 mai 2024", D(2024, 5, 5)),
        ("5\u00a0juin\u00a02024", D(2024, 6, 5)),
        ("44197", D(2021, 1, 1)),  # an Excel serial day number
        ("44197.375", D(2021, 1, 1)),
        ("  01/09/2015  ", D(2015, 9, 1)),
    ],
)
def test_every_usual_form_is_read(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "demain", "31/02/2024", "2024-13-01", "29/02/2023", "09/2015", "1/9/215", "12", "2024", "1 brumaire 2020",
     "01/09/2015 25:00", "01/09/2015 13:00 PM", "32 sept. 2020", "999", "01/09/1850"],
)  # fmt: skip
def test_what_is_not_a_date_is_not_read(text):
    assert parse_date(text) is None


def test_two_digit_years_stay_within_eighty_years_back_and_twenty_ahead():
    this_year = datetime.date.today().year
    ahead = (this_year + 20) % 100
    assert parse_date(f"01/01/{ahead:02d}") == D(this_year + 20, 1, 1)
    assert parse_date(f"01/01/{(ahead + 1) % 100:02d}").year == this_year - 79


def column(values, **kwargs):
    return date_column(pl.Series("d", values, dtype=pl.String), **kwargs)


def test_a_column_with_a_day_above_twelve_reads_every_date_day_first():
    result = column(["03/04/2024", "16/01/2025", "05/06/2024"])
    assert result.order == DAY_FIRST
    assert result.dates.to_list() == [D(2024, 4, 3), D(2025, 1, 16), D(2024, 6, 5)]


def test_a_column_with_a_second_part_above_twelve_reads_every_date_month_first():
    # en-US Active Directory exports.
    result = column(["1/16/2025 9:30:00 AM", "3/4/2024 1:00:00 PM", "12/1/2024 11:59:59 PM"])
    assert result.order == MONTH_FIRST
    assert result.dates.to_list() == [D(2025, 1, 16), D(2024, 3, 4), D(2024, 12, 1)]
    assert not result.contradicts.any()


def test_never_line_by_line_the_same_text_reads_the_same_in_its_column():
    day_first = column(["3/4/2024", "25/12/2024"]).dates[0]
    month_first = column(["3/4/2024", "12/25/2024"]).dates[0]
    assert (day_first, month_first) == (D(2024, 4, 3), D(2024, 3, 4))


def test_a_fully_ambiguous_column_is_read_the_french_way():
    result = column(["03/04/2024", "05/06/2024", ""])
    assert result.order == DAY_FIRST
    assert result.dates.to_list() == [D(2024, 4, 3), D(2024, 6, 5), None]


def test_times_with_am_pm_tell_an_american_export_when_nothing_else_does():
    result = column(["3/4/2024 9:30:00 AM", "5/6/2024 1:00:00 PM"])
    assert result.order == MONTH_FIRST and result.dates.to_list() == [D(2024, 3, 4), D(2024, 5, 6)]
    # …but a day above twelve outweighs it.
    assert column(["3/4/2024 9:30:00 AM", "25/6/2024 1:00:00 PM"]).order == DAY_FIRST


def test_a_contradictory_column_leaves_its_minority_unreadable_and_says_so():
    result = column(["13/01/2024", "14/01/2024", "01/15/2024", "02/03/2024", "demain"])
    assert result.order == DAY_FIRST
    assert result.dates.to_list() == [D(2024, 1, 13), D(2024, 1, 14), None, D(2024, 3, 2), None]
    assert result.contradicts.to_list() == [False, False, True, False, False]
    # The majority is counted in lines, not in distinct values.
    assert column(["01/15/2024"] * 3 + ["13/01/2024", "14/01/2024"]).order == MONTH_FIRST


def test_unambiguous_forms_do_not_vote_and_are_read_in_any_column():
    result = column(["2024-01-15", "1 sept. 2020", "44197", "1/16/2025"])
    assert result.order == MONTH_FIRST
    assert result.dates.to_list() == [D(2024, 1, 15), D(2020, 9, 1), D(2021, 1, 1), D(2025, 1, 16)]
    assert date_order(pl.Series(["2024-01-15", "2024-02-16"])) == DAY_FIRST


def test_a_remembered_order_is_followed():
    result = column(["03/04/2024", "16/01/2025"], order=MONTH_FIRST)
    assert result.dates.to_list() == [D(2024, 3, 4), None] and result.contradicts.to_list() == [False, True]


def test_nulls_and_a_million_rows_of_few_distinct_dates():
    values = pl.Series("d", ["01/02/2020", None, "1/16/2025 9:30:00 AM"] * 400_000)
    result = date_column(values)
    assert result.dates.len() == 1_200_000 and result.dates.name == "d"
    assert result.dates[1] is None and result.dates[2] == D(2025, 1, 16) and result.dates[0] == D(2020, 1, 2)


def test_directory_columns_read_filetime_and_generalized_time_too():
    result = column(["133500000000000000", "20250105103000.0Z", "1/16/2025 9:30:00 AM", "0", ""], directory=True)
    assert result.dates.to_list() == [D(2024, 1, 17), D(2025, 1, 5), D(2025, 1, 16), None, None]


# Through the imports, as an administrator sees them.


def hr_import(data, **kwargs):
    kwargs.setdefault("mode", ImportMode.PARTIAL)
    return import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh.csv", data=data, **kwargs)


@pytest.mark.django_db
def test_hr_extract_with_american_dates_is_read_month_first():
    rows = [hr_row("100001", entry="3/4/2024"), hr_row("100002", entry="1/16/2025"), hr_row("100003", entry="")]
    run = hr_import(csv_bytes(rows))
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    dates = dict(Agent.objects.values_list("matricule", "entry_date"))
    assert dates == {"100001": D(2024, 3, 4), "100002": D(2025, 1, 16), "100003": None}


@pytest.mark.django_db
def test_hr_extract_line_contradicting_its_column_is_named():
    rows = [hr_row("100001", entry="13/01/2024"), hr_row("100002", entry="14/02/2024"),
            hr_row("100003", entry="02/15/2024"), hr_row("100004", entry="1 sept. 2020")]  # fmt: skip
    run = hr_import(csv_bytes(rows), apply_valid_rows=True)
    assert run.rejected == []
    ((line, column_name, value, reason),) = run.warnings
    assert (line, column_name, value) == (4, "Date d'entrée", "02/15/2024")
    assert "date ambiguë « 02/15/2024 »" in reason and "JJ/MM/AAAA" in reason and "champ laissé vide" in reason
    assert Agent.objects.get(matricule="100004").entry_date == D(2020, 9, 1)


@pytest.mark.django_db
def test_hr_extract_with_french_month_names():
    rows = [hr_row("100001", entry="1er septembre 2020"), hr_row("100002", entry="15 févr. 2019", exit="3 déc. 2025")]
    run = hr_import(csv_bytes(rows))
    assert run.status == ImportStatus.APPLIED, run.rejected
    dates = {m: (e, x) for m, e, x in Agent.objects.values_list("matricule", "entry_date", "exit_date")}
    assert dates == {"100001": (D(2020, 9, 1), None), "100002": (D(2019, 2, 15), D(2025, 12, 3))}


@pytest.mark.django_db
def test_xlsx_serial_numbers_and_date_cells_in_a_date_column():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HR_HEADER)
    base = ["Martin", "", "Nadia", "C", "Technique", "Titulaire", "", "DPE", "", ""]
    sheet.append(["100001", *base, 44197, None, "", ""])  # serial number in a General-formatted cell
    sheet.append(["100002", *base, 44197.5, 45658, "", ""])
    sheet.append(["100003", *base, datetime.datetime(2015, 9, 1), datetime.date(2030, 1, 2), "", ""])
    sheet.append(["100004", *base, "16/01/2025", "", "", ""])
    sheet["L5"].number_format = "General"
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = import_file(acting_user=None, kind=ImportKind.AGENTS, file_name="rh.xlsx", data=buffer.getvalue())
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    dates = {m: (e, x) for m, e, x in Agent.objects.values_list("matricule", "entry_date", "exit_date")}
    assert dates == {
        "100001": (D(2021, 1, 1), None),
        "100002": (D(2021, 1, 1), D(2025, 1, 1)),
        "100003": (D(2015, 9, 1), D(2030, 1, 2)),
        "100004": (D(2025, 1, 16), None),
    }


@pytest.mark.django_db
def test_active_directory_export_in_the_en_us_locale(dpe):
    nadia = AgentFactory(matricule="100001", direction=dpe)
    karim = AgentFactory(matricule="100002", direction=dpe)
    header = ["sAMAccountName", "employeeID", "whenCreated", "lastLogonTimestamp", "userAccountControl"]
    rows = [["nmartin", "100001", "1/16/2025 9:30:00 AM", "133500000000000000", "512"],
            ["kroux", "100002", "3/4/2024 4:05:00 PM", "", "512"]]  # fmt: skip
    run = import_file(acting_user=None, kind=ImportKind.ADOPTION, file_name="ad.csv",
                      data=csv_bytes(rows, header=header, sep=","), as_of=D(2026, 3, 1))  # fmt: skip
    assert run.status == ImportStatus.APPLIED, (run.error, run.rejected)
    assert ToolAccount.objects.get(agent=nadia).provisioned_on == D(2025, 1, 16)
    assert ToolAccount.objects.get(agent=karim).provisioned_on == D(2024, 3, 4)
