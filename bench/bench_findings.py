"""HR data reliability: every rule on a 1,000,000-row extract with NIR and bank columns, and the findings pages
of a direction with 10,000 open findings.

Targets (issue 13): the checks (reading included, as `hr_quality` does) ≤ 20 s and ≤ 1 GB peak memory
(measured in a child process, `ru_maxrss`); the direction, overview and HR manager pages p95 ≤ 150 ms.
The extract is generated (relais/findings/synthetic.py, deterministic, 2 % of files with one fault, 25 % for
a few HR managers) under var/bench/. SQLite by default, PostgreSQL with DATABASE_URL.
"""

import datetime
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SCRATCH, machine_reference, report, report_duration, setup, timings  # noqa: E402

ROWS = 1_000_000
TODAY = datetime.date(2026, 12, 7)


def extract_file(rows: int) -> Path:
    path = SCRATCH / f"findings-{rows}.csv"
    if not path.exists():
        from relais.findings import synthetic

        SCRATCH.mkdir(parents=True, exist_ok=True)
        base = synthetic.base_frame(rows)
        sloppy = frozenset(base.get_column("hr_manager").unique().sort().head(20).to_list())
        synthetic.write_csv(synthetic.extract(base, today=TODAY, sloppy=sloppy), path)
    return path


def child(path: str) -> None:
    """Child process: read and check the extract (no recording), print seconds, peak MB, findings."""
    setup("findings_million")
    from relais.findings import synthetic
    from relais.findings.engine import check
    from relais.organisation.models import Direction, Service

    for code in synthetic.DIRECTIONS:  # the directions and services Relais knows
        direction, _ = Direction.objects.get_or_create(code=code, defaults={"name": code})
        for n in range(1, 5):
            Service.objects.get_or_create(direction=direction, name=f"Service {n}")
    from relais.findings.reading import read_for_checks

    started = time.perf_counter()
    frame, labels = read_for_checks(Path(path))
    read_s = time.perf_counter() - started
    result = check(frame, labels, today=TODAY)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {peak_mb:.0f} {result.findings.height} {read_s:.3f} {len(result.rules)}", flush=True)
    print(dict(sorted(result.counts()["rule"].items())), file=sys.stderr)


def pages() -> None:
    """A direction with 10,000 open findings over 60 HR managers and three recorded extracts."""
    from django.db import transaction
    from django.test import Client

    from relais.accounts.enums import Role
    from relais.accounts.models import User
    from relais.agents.models import HRManager
    from relais.findings.enums import ExtractKind, Family
    from relais.findings.models import Extract, Finding
    from relais.organisation.models import Direction

    with transaction.atomic():
        Finding.objects.all().delete()
        Extract.objects.all().delete()
        dpe, _ = Direction.objects.get_or_create(code="DPE", defaults={"name": "Propreté et eau"})
        other, _ = Direction.objects.get_or_create(code="DFPE", defaults={"name": "Familles et petite enfance"})
        HRManager.objects.all().delete()
        User.objects.filter(username="rh-bench").delete()
        managers = HRManager.objects.bulk_create(
            [HRManager(label=f"GESTIONNAIRE {n:02}", key=f"name:g{n}", kind="name") for n in range(60)]
        )
        extracts = [
            Extract.objects.create(
                kind=ExtractKind.HR_QUALITY,
                source_name="sirh.csv",
                as_of=TODAY - datetime.timedelta(days=d),
                recorded_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
            )  # fmt: skip
            for d in (60, 30, 0)
        ]
        families = list(Family)
        rows = []
        for n in range(14_000):
            direction = dpe if n < 12_000 else other
            closed = n % 6 == 0 and n < 12_000  # 2,000 of DPE's closed: 10,000 open
            rows.append(Finding(
                rule=f"R-{n % 30}", family=families[n % 6], severity="warning", matricule=str(100000 + n),
                column="Colonne", line=n + 2, message=f"Ligne {n + 2}, colonne « Colonne » : constat.",
                hr_manager=managers[(n * 7) % 60 if n % 3 else n % 5], direction=direction,
                status="closed" if closed else "open", first_extract=extracts[n % 3], last_extract=extracts[2],
                opened_at=extracts[n % 3].as_of, closed_at=TODAY if closed else None,
            ))  # fmt: skip
        Finding.objects.bulk_create(rows, batch_size=2000)
        hr = User.objects.create_user(username="rh-bench", password="x", role=Role.HR)
        hr.directions.set([dpe])
    assert Finding.objects.filter(direction=dpe, status="open").count() == 10_000
    client = Client(SERVER_NAME="localhost")
    client.force_login(hr)
    urls = {
        "overview /fiabilite-rh/": "/fiabilite-rh/",
        "direction page (10,000 open findings)": f"/fiabilite-rh/direction/{dpe.public_id}/",
        "HR manager page (first page of ~500)": f"/fiabilite-rh/gestionnaire/{managers[0].public_id}/",
    }
    for label, url in urls.items():
        assert client.get(url).status_code == 200, url
        report(label, timings(lambda url=url: client.get(url), runs=50), target_p95_ms=150)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return
    vendor = setup("findings")
    machine_reference()
    path = extract_file(ROWS)
    print(
        f"extract: {path.stat().st_size / 1e6:.0f} MB, {ROWS:,} rows, 26 columns (NIR, IBAN, RIB included)", flush=True
    )
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(path)], stdout=subprocess.PIPE, text=True, check=True
    )  # noqa: S603
    seconds, peak_mb, found, read_s, rules = out.stdout.split()
    report_duration(f"all {rules} rules, 1,000,000 rows ({vendor})", float(seconds), target_s=20,
                    extra=f"(reading {float(read_s):.1f} s; {int(found):,} findings; peak {peak_mb} MB, "
                          f"target ≤ 1024 MB: "
                          f"{'OK' if int(peak_mb) <= 1024 else 'MISSED'})")  # fmt: skip
    pages()


if __name__ == "__main__":
    main()
