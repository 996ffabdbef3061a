"""The mapping step on a 50,000-row file: how long until the page can show the columns and Relais' proposal.

Issue 12: after an upload whose headers are not all certain, the import page shows each column with
three sample values and the proposed field. Timed here:
- propose, CSV: `mapping.read_raw` (every permitted column read) + `mapping.propose` (header matching,
  resemblances, samples, day/month order of each date column decided on the whole column);
- propose, XLSX: the same from a workbook (archive checks included);
- upload to step: `services.import_run_start` up to the run waiting at the mapping step (staging included);
- mapped to analysed: `services.import_run_map` (rename, stage, dry run of 50,000 new agents).
File: 16 columns, 5 of them named so that Relais is not sure ("Matricule de l'agent", "Prenon", …),
a NIR column (never read), two date columns of which one en-US.
"""

import csv
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SCRATCH, machine_reference, percentile, setup  # noqa: E402

ROWS = 50_000
RUNS = 15
HEADER = ["Matricule de l'agent", "NOM", "Prenon", "Nom d'usage", "Catégorie", "Filière", "Statut", "Grade",
          "UA", "Service", "Site", "Date d'embauche", "Date de naissance", "Tél pro", "Courriel", "NIR"]  # fmt: skip


def rows(count: int):
    for i in range(count):
        yield [str(100000 + i), f"Martin{i % 50}", f"Nadia{i % 30}", "", "C", "Technique", "Titulaire",
               "Adjoint technique", "DPE", f"Atelier {i % 40}", f"Site {i % 997}", f"{i % 12 + 1}/{i % 28 + 1}/2015",
               f"{i % 28 + 1:02d}/{i % 12 + 1:02d}/1980", "", f"agent{i}@paris.fr", "2800375123456"]  # fmt: skip


def csv_file() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows(ROWS))
    return out.getvalue().encode()


def xlsx_file() -> bytes:
    import xlsxwriter

    path = SCRATCH / f"mapping-{ROWS}.xlsx"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, HEADER)
        for i, row in enumerate(rows(ROWS), start=1):
            sheet.write_row(i, 0, row)
        book.close()
    return path.read_bytes()


def line(label: str, times: list[float]) -> None:
    print(f"{label:<48} n={len(times):>3}  median {statistics.median(times):7.3f} s  "
          f"p95 {percentile(times, 95):7.3f} s  max {max(times):7.3f} s", flush=True)  # fmt: skip


def main() -> int:
    vendor = setup("mapping")
    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from relais.imports import services
    from relais.imports.enums import ImportKind, ImportStatus
    from relais.imports.mapping import Proposal, propose, read_raw

    print(f"mapping step, {ROWS:,} rows × {len(HEADER)} columns, database {vendor}", flush=True)
    machine_reference()
    data = {"CSV": csv_file(), "XLSX": xlsx_file()}
    for name, content in data.items():
        times = []
        for _ in range(RUNS if name == "CSV" else 5):
            started = time.perf_counter()
            proposal = propose(read_raw(kind=ImportKind.AGENTS, data=content), kind=ImportKind.AGENTS)
            times.append(time.perf_counter() - started)
        uncertain = sum(not c.certain for c in proposal.columns)
        line(f"propose, {name} ({len(content) / 1024 / 1024:.1f} MB, {uncertain} uncertain)", times)

    admin = User.objects.filter(username="bench-admin").first() or User.objects.create(
        username="bench-admin", role=Role.ADMIN
    )
    start_times, map_times = [], []
    for _ in range(5):
        started = time.perf_counter()
        run = services.import_run_start(acting_user=admin, kind=ImportKind.AGENTS, file_name="sirh.csv",
                                        data=data["CSV"])  # fmt: skip
        start_times.append(time.perf_counter() - started)
        assert run.status == ImportStatus.MAPPING, run.error
        proposal = Proposal.from_json(run.options["proposal"])
        mapping = {c.index: ("direction" if c.header == "UA" else c.proposed) for c in proposal.columns}
        # Background analysis is the page's way for such a file; here it runs inline, to time it.
        services.BACKGROUND_ROWS = ROWS * 2
        started = time.perf_counter()
        services.import_run_map(run=run, acting_user=admin, mapping=mapping, date_orders=proposal.date_orders())
        map_times.append(time.perf_counter() - started)
        run.refresh_from_db()
        assert run.status == ImportStatus.ANALYSED and run.count_new == ROWS, (run.status, run.error)
    line("upload to mapping step (import_run_start)", start_times)
    line("mapped to analysed (import_run_map, dry run)", map_times)
    return 0


if __name__ == "__main__":
    sys.exit(main())
