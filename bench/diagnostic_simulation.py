"""The adaptive diagnostic on synthetic examinees, and its pages' response times.

1. Simulation (no database): N examinees with θ ~ N(0, 1) answer the bank's items (relais/diagnostic/bank.json)
   by the bank's own 2PL parameters; the engine (relais.diagnostic.cat, default settings) tests each of them.
   A band is right when the band of the estimated θ equals the band of the true θ, tool by tool.
   Prints accuracy per tool, over all (examinee, tool) pairs, the share of examinees with every band right,
   and the number of questions (mean, p95, max).
2. Pages (scratch SQLite database, or DATABASE_URL): start, question (GET), answer (POST), result, through
   Django's test client in one process: server time only, no network.

    .venv/bin/python bench/diagnostic_simulation.py [--examinees 5000] [--seed 1]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.common import percentile, report, setup  # noqa: E402


def simulate(examinees: int, seed: int) -> None:
    from relais.diagnostic import cat
    from relais.diagnostic.bank import read_bank

    data = read_bank()
    bank = [cat.Item(r["code"], r["a"], r["b"], r["tool"], r["competence"]) for r in data["items"]]
    scales = [cat.Scale(s["tool"], s["guided"], s["autonomous"]) for s in data["scales"]]
    rng = np.random.default_rng(seed)
    right = {s.tool: 0 for s in scales}
    all_right, counts = 0, []
    started = time.perf_counter()
    for _ in range(examinees):
        theta = rng.normal()
        estimate, responses = cat.run(
            bank, lambda item, t=theta: rng.random() < cat.probability(t, item.a, item.b), rng
        )
        true, found = cat.bands(theta, scales), cat.bands(estimate.theta, scales)
        hits = [true[t] == found[t] for t in true]
        for tool, hit in zip(true, hits, strict=True):
            right[tool] += hit
        all_right += all(hits)
        counts.append(len(responses))
    elapsed = time.perf_counter() - started
    print(f"Simulation: {examinees} examinees, {len(bank)} items, settings {cat.Settings()}")
    print(f"{'tool':<18} {'right band':>10}")
    for tool, n in right.items():
        print(f"{tool:<18} {100 * n / examinees:>9.1f} %")
    pairs = sum(right.values()) / (examinees * len(right))
    print(f"{'all tools (pairs)':<18} {100 * pairs:>9.1f} %")
    print(f"every band right: {100 * all_right / examinees:.1f} % of examinees")
    print(
        f"questions: mean {statistics.mean(counts):.2f}, p95 {percentile(counts, 95):.0f}, max {max(counts)}; "
        f"engine {1000 * elapsed / examinees:.1f} ms per whole test"
    )


def pages(runs: int) -> None:
    setup("diagnostic")
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from relais.diagnostic.models import Session

    settings.RELAIS_DIAGNOSTIC_SESSIONS_PER_HOUR = 10 * runs  # one address starts every session here
    start, get_q, post_a, result = [], [], [], []
    for _ in range(runs):
        client = Client(HTTP_HOST="localhost")
        t = time.perf_counter()
        client.post(reverse("diagnostic:start"), {})
        start.append((time.perf_counter() - t) * 1000)
        session = Session.objects.order_by("-pk").first()
        url = reverse("diagnostic:question", args=[session.public_id])
        while True:
            t = time.perf_counter()
            client.get(url)
            get_q.append((time.perf_counter() - t) * 1000)
            session.refresh_from_db()
            if session.finished_at:
                break
            choice = session.pending_item.choices.order_by("?").first()
            t = time.perf_counter()
            client.post(url, {"answer": str(choice.pk)})
            post_a.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        client.get(reverse("diagnostic:result", args=[session.public_id]))
        result.append((time.perf_counter() - t) * 1000)
    report("start a session (POST)", start)
    report("question page (GET)", get_q)
    report("answer, estimate, next item (POST)", post_a)
    report("result page (GET)", result)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examinees", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sessions", type=int, default=40, help="whole sessions through the pages")
    args = parser.parse_args()
    simulate(args.examinees, args.seed)
    pages(args.sessions)


if __name__ == "__main__":
    main()
