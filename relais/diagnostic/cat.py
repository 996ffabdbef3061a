"""The computerised adaptive test, in plain numpy: no Django, no database (tested and simulated on its own).

Model: two-parameter logistic (2PL), P(correct | θ) = 1 / (1 + exp(-a (θ - b))), one ability θ for the
programme's everyday tools. "Je ne sais pas" is scored as a wrong answer (the agent could not do it).

- Estimation: expected a posteriori (EAP) on a fixed grid of θ (-4 … 4) with a standard normal prior; the
  posterior standard deviation is the standard error (SE).
- Selection: Fisher information a² P (1 - P) at the current EAP, weighted down for the tools and competences
  already asked (rotation: every tool gets asked before one is asked again, as far as information allows),
  the tool of the previous question excluded when another one is left; then one item drawn at random
  among the `top_k` best (randomesque exposure control: the same first question does not go to everyone).
- Stop: SE below `se_target`, or `max_items` asked, or no item left.
- Result: a band per tool from θ and the tool's two cut points (`Scale`).
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

GRID = np.linspace(-4.0, 4.0, 81)
PRIOR = np.exp(-0.5 * GRID**2)
PRIOR /= PRIOR.sum()

HELP, GUIDED, AUTONOMOUS = "help", "guided", "autonomous"  # the values of relais.skills.enums.Band


@dataclass(frozen=True)
class Item:
    key: int | str
    a: float
    b: float
    tool: str
    competence: str = ""


@dataclass(frozen=True)
class Scale:
    """A tool's cut points on θ: below `guided` "à accompagner", from `autonomous` "autonome"."""

    tool: str
    guided: float
    autonomous: float

    def band(self, theta: float) -> str:
        if theta >= self.autonomous:
            return AUTONOMOUS
        return GUIDED if theta >= self.guided else HELP


@dataclass(frozen=True)
class Settings:
    max_items: int = 12
    se_target: float = 0.3
    top_k: int = 3
    tool_weight: float = 0.55  # information multiplied by this for each question already asked on the tool
    competence_weight: float = 0.85  # and by this for each one on the competence


@dataclass
class Estimate:
    theta: float
    se: float
    posterior: np.ndarray = field(repr=False)


def probability(theta, a, b):
    """P(correct) for every (θ, item) pair when θ and the items are arrays (broadcast)."""
    return 1.0 / (1.0 + np.exp(-np.asarray(a) * (np.asarray(theta) - np.asarray(b))))


def information(theta: float, a, b) -> np.ndarray:
    p = probability(theta, a, b)
    return np.asarray(a) ** 2 * p * (1.0 - p)


def likelihood(responses: Iterable[tuple[Item, bool]]) -> np.ndarray:
    """Likelihood of the answers at every grid point (log-space, then exponentiated safely)."""
    log_l = np.zeros_like(GRID)
    for item, correct in responses:
        p = np.clip(probability(GRID, item.a, item.b), 1e-12, 1 - 1e-12)
        log_l += np.log(p) if correct else np.log1p(-p)
    return np.exp(log_l - log_l.max())


def estimate(responses: Sequence[tuple[Item, bool]]) -> Estimate:
    """EAP of θ and its posterior SD, under the standard normal prior."""
    posterior = PRIOR * likelihood(responses)
    posterior /= posterior.sum()
    theta = float((GRID * posterior).sum())
    se = float(np.sqrt(((GRID - theta) ** 2 * posterior).sum()))
    return Estimate(theta, se, posterior)


def select_next(
    bank: Sequence[Item],
    asked: Sequence[Item],
    theta: float,
    rng: np.random.Generator,
    settings: Settings = Settings(),
) -> Item | None:
    """The next item: maximum (rotated) information at θ, drawn among the `top_k` best; None when none is left."""
    asked_keys = {item.key for item in asked}
    left = [item for item in bank if item.key not in asked_keys]
    if not left:
        return None
    if asked:
        other_tools = [item for item in left if item.tool != asked[-1].tool]
        left = other_tools or left
    tools = Counter(item.tool for item in asked)
    competences = Counter(item.competence for item in asked)
    a = np.array([item.a for item in left])
    b = np.array([item.b for item in left])
    weight = np.array(
        [
            settings.tool_weight ** tools[item.tool] * settings.competence_weight ** competences[item.competence]
            for item in left
        ]
    )
    score = information(theta, a, b) * weight
    best = np.argsort(-score, kind="stable")[: max(1, settings.top_k)]
    return left[int(rng.choice(best))]


def is_finished(estimate_: Estimate, asked_count: int, settings: Settings = Settings()) -> bool:
    return asked_count >= settings.max_items or (asked_count > 0 and estimate_.se < settings.se_target)


def bands(theta: float, scales: Iterable[Scale]) -> dict[str, str]:
    return {scale.tool: scale.band(theta) for scale in scales}


def run(
    bank: Sequence[Item], answer, rng: np.random.Generator, settings: Settings = Settings()
) -> tuple[Estimate, list[tuple[Item, bool]]]:
    """A whole test: `answer(item) -> bool` plays the examinee (the simulation, the tests)."""
    responses: list[tuple[Item, bool]] = []
    current = estimate(responses)
    while not is_finished(current, len(responses), settings):
        item = select_next(bank, [i for i, _ in responses], current.theta, rng, settings)
        if item is None:
            break
        responses.append((item, bool(answer(item))))
        current = estimate(responses)
    return current, responses
