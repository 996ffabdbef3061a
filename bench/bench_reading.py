"""Reading files: how fast a zip bomb is refused, and what an honest workbook's checks cost.

Issue 12: a 150 KB XLSX that expanded on opening took 18 s and 4.6 GB; the bomb must be refused in
under 2 s. Timed through `relais.imports.reading.read_table` (what every import calls), in this
process; peak memory is measured in a child process per case (`ru_maxrss`, so that one case's peak
does not hide another's). Bombs are built in milliseconds (tests/imports/bombs.py):
- announced: 1 GB of empty cells, sizes declared honestly (refused from the archive's directory);
- lying: the same, the directory announcing 10 kB (refused while expanding, on the first megabyte);
- spaces: 1 GB of spaces (no cell to count) declared honestly;
- dimension: a sheet declaring A1:XFD1048576.
Then a real 100,000-row HR workbook (15 columns): the archive checks alone, and the whole read.
"""

import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import SCRATCH, percentile, setup  # noqa: E402

RUNS = 20
CASES = ("announced", "lying", "spaces", "dimension")


def bomb(case: str) -> bytes:
    from tests.imports import bombs

    if case == "dimension":
        xml = bombs.HEAD + b'<dimension ref="A1:XFD1048576"/><sheetData></sheetData></worksheet>'
        return bombs.workbook_with_sheet(*bombs.repeated_deflate(xml, b"", 0, b""))
    return bombs.zip_bomb(gigabytes=1, cells=case != "spaces", honest=case != "lying")


def workbook(rows: int) -> Path:
    import xlsxwriter

    from tests.imports.helpers import HR_HEADER, hr_row

    path = SCRATCH / f"hr-{rows}.xlsx"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HR_HEADER)
    for i in range(rows):
        sheet.write_row(i + 1, 0, hr_row(str(100000 + i), f"Martin{i % 50}", site=f"Site {i % 997}"))
    book.close()
    return path


def keep_all(headers):
    return {i: h for i, h in enumerate(headers) if h}


def refuse(data: bytes) -> str:
    from relais.imports.reading import ImportFileError, read_table

    try:
        read_table(data, keep_all)
    except ImportFileError as exc:
        return str(exc)
    raise AssertionError("not refused")


def child(case: str) -> None:
    """One read in a fresh process: prints seconds and peak MB."""
    setup("reading", fresh=False)
    data = workbook(100_000).read_bytes() if case == "workbook" else bomb(case)
    started = time.perf_counter()
    if case == "workbook":
        from relais.imports.reading import read_table

        read_table(data, keep_all)
    else:
        refuse(data)
    print(f"{time.perf_counter() - started:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return 0
    setup("reading")
    from relais.imports.archive import check_workbook

    for case in CASES:
        data = bomb(case)
        message = refuse(data)
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            refuse(data)
            times.append((time.perf_counter() - started) * 1000)
        out = subprocess.run([sys.executable, __file__, "--child", case], capture_output=True, text=True, check=True)
        seconds, peak = out.stdout.split()[-2:]
        print(f"bomb {case:<10} {len(data) / 1024:7.0f} KB: median {percentile(times, 50):7.1f} ms, "
              f"p95 {percentile(times, 95):7.1f} ms, peak {peak} MB (fresh process {float(seconds) * 1000:.0f} ms)"
              f" — {message[:70]}…", flush=True)  # fmt: skip

    data = workbook(100_000).read_bytes()
    times = []
    for _ in range(5):
        started = time.perf_counter()
        check_workbook(data)
        times.append(time.perf_counter() - started)
    out = subprocess.run([sys.executable, __file__, "--child", "workbook"], capture_output=True, text=True, check=True)
    seconds, peak = out.stdout.split()[-2:]
    print(f"workbook 100,000 rows × 15 ({len(data) / 1024 / 1024:.1f} MB): checks median "
          f"{percentile(times, 50):.2f} s (runs {', '.join(f'{t:.2f}' for t in times)}); whole read "
          f"{float(seconds):.2f} s, peak {peak} MB", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
