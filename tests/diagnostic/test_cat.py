"""The adaptive engine and the calibration, on their own (no database)."""

import numpy as np
import pytest

from relais.diagnostic import cat
from relais.diagnostic.bank import read_bank
from relais.diagnostic.calibration import calibrate


def _bank():
    data = read_bank()
    items = [cat.Item(r["code"], r["a"], r["b"], r["tool"], r["competence"]) for r in data["items"]]
    scales = [cat.Scale(s["tool"], s["guided"], s["autonomous"]) for s in data["scales"]]
    return items, scales


def test_probability_is_one_half_at_the_difficulty():
    assert cat.probability(0.7, 1.8, 0.7) == pytest.approx(0.5)
    assert cat.probability(2.0, 1.8, 0.7) > 0.9


def test_without_answers_the_estimate_is_the_prior():
    estimate = cat.estimate([])
    assert estimate.theta == pytest.approx(0.0, abs=1e-9)
    assert estimate.se == pytest.approx(1.0, abs=0.01)


def test_right_answers_raise_the_estimate_and_wrong_ones_lower_it():
    item = cat.Item(1, 1.5, 0.0, "messagerie")
    assert cat.estimate([(item, True)]).theta > 0.3
    assert cat.estimate([(item, False)]).theta < -0.3
    assert cat.estimate([(item, True)]).se < 1.0


def test_eap_matches_a_brute_force_integral():
    items = [cat.Item(i, 1.2 + 0.1 * i, -1 + 0.5 * i, "t") for i in range(5)]
    answers = [(items[0], True), (items[1], True), (items[2], False), (items[3], True), (items[4], False)]
    theta = np.linspace(-6, 6, 4001)
    density = np.exp(-0.5 * theta**2)
    for item, correct in answers:
        p = cat.probability(theta, item.a, item.b)
        density *= p if correct else 1 - p
    expected = (theta * density).sum() / density.sum()
    assert cat.estimate(answers).theta == pytest.approx(expected, abs=0.01)


def test_selection_takes_the_most_informative_item_when_top_k_is_one():
    bank = [cat.Item(1, 1.5, -2.0, "a"), cat.Item(2, 1.5, 0.1, "b"), cat.Item(3, 1.5, 2.0, "c")]
    chosen = cat.select_next(bank, [], 0.0, np.random.default_rng(0), cat.Settings(top_k=1))
    assert chosen.key == 2


def test_randomesque_selection_spreads_the_first_question():
    items, _ = _bank()
    firsts = {cat.select_next(items, [], 0.0, np.random.default_rng(seed)).key for seed in range(60)}
    assert len(firsts) == cat.Settings().top_k


def test_rotation_never_asks_the_same_tool_twice_in_a_row_and_covers_every_tool():
    items, _ = _bank()
    rng = np.random.default_rng(3)
    _, responses = cat.run(items, lambda item: rng.random() < 0.5, rng)
    tools = [item.tool for item, _ in responses]
    assert all(first != second for first, second in zip(tools, tools[1:], strict=False))
    assert set(tools) == {item.tool for item in items}  # 7 tools, 12 questions: each asked at least once


def test_the_test_stops_at_twelve_items_or_on_a_small_standard_error():
    items, _ = _bank()
    rng = np.random.default_rng(5)
    estimate, responses = cat.run(items, lambda item: True, rng)
    assert len(responses) <= 12
    loose = cat.Settings(se_target=0.6)
    estimate, responses = cat.run(items, lambda item: rng.random() < 0.5, rng, loose)
    assert estimate.se < 0.6 and len(responses) < 12


def test_no_question_is_asked_twice_and_a_small_bank_runs_out():
    bank = [cat.Item(i, 1.5, 0.0, f"t{i % 2}") for i in range(4)]
    _, responses = cat.run(bank, lambda item: True, np.random.default_rng(0))
    assert sorted(item.key for item, _ in responses) == [0, 1, 2, 3]


def test_bands_follow_each_tools_cut_points():
    scale = cat.Scale("messagerie", -0.8, 0.5)
    assert [scale.band(t) for t in (-1.0, -0.8, 0.4, 0.5)] == ["help", "guided", "guided", "autonomous"]
    assert cat.bands(0.0, [scale, cat.Scale("hameconnage", 0.2, 1.0)]) == {
        "messagerie": "guided",
        "hameconnage": "help",
    }


def test_the_bank_file_is_complete():
    data = read_bank()
    assert len(data["items"]) >= 60
    assert {s["tool"] for s in data["scales"]} == {
        "messagerie", "mots-de-passe", "badgeuse", "self-service-rh", "intranet", "hameconnage", "smartphone",
    }  # fmt: skip
    for row in data["items"]:
        assert 3 <= len(row["choices"]) <= 4, row["code"]
        assert 0 <= row["correct"] < len(row["choices"]), row["code"]
        assert "je ne sais pas" not in " ".join(row["choices"]).lower()  # added by the page, for every item
        assert not row["picture"] or row["picture"] in data["pictures"]
    assert sum(1 for row in data["items"] if row["picture"]) >= 15
    assert all(len(p["svg"]) < 1200 and p["alt"] for p in data["pictures"].values())


def test_calibration_recovers_known_parameters():
    rng = np.random.default_rng(11)
    true_a = np.array([0.8, 1.2, 1.6, 2.0, 1.4, 1.0])
    true_b = np.array([-1.5, -0.5, 0.0, 0.5, 1.0, 1.8])
    theta = rng.normal(size=3000)
    persons, items, correct = [], [], []
    for p, t in enumerate(theta):
        for i in rng.choice(6, size=4, replace=False):  # an incomplete design, as the adaptive test gives
            persons.append(p)
            items.append(i)
            correct.append(rng.random() < cat.probability(t, true_a[i], true_b[i]))
    a, b, _ = calibrate(persons, items, correct, np.full(6, 1.0), np.zeros(6), [True] * 6)
    assert np.abs(a - true_a).max() < 0.3
    assert np.abs(b - true_b).max() < 0.25


def test_calibration_leaves_unfitted_items_alone():
    a, b, _ = calibrate([0, 0, 1, 1], [0, 1, 0, 1], [True, False, True, True], [1.5, 1.1], [0.0, 0.3], [True, False])
    assert (a[1], b[1]) == (1.1, 0.3)
