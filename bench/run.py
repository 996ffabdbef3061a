"""`make bench`: run every bench/bench_*.py script in its own process and print their figures.

BENCH=name1,name2 limits the run (names without the `bench_` prefix).
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    wanted = {n.strip() for n in os.environ.get("BENCH", "").split(",") if n.strip()}
    scripts = sorted(HERE.glob("bench_*.py"))
    failed = 0
    for script in scripts:
        name = script.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"\n== {name} ==", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, check=False)  # noqa: S603
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
