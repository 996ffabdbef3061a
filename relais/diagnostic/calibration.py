"""Re-estimating the bank's 2PL parameters from collected answers: marginal maximum likelihood (Bock & Aitkin
EM) on the engine's θ grid, in plain numpy.

- E step: for every session, the posterior of θ on the grid given its answers and the current parameters
  (standard normal prior: it fixes the scale, so recalibrated parameters stay on the cut points' scale);
  summed into expected counts per item and grid point — answered (n) and right (r).
- M step: for each item being fitted, Newton steps on the expected log-likelihood in slope–intercept form
  (logit = a θ + d, b = -d / a), a kept in [0.2, 4] and b in [-4, 4].
Items with too few answers are not fitted but still used, at their current parameters, to place the sessions.
Adaptive data are fine for MML: which item was asked depends only on earlier answers (ignorable design).
"""

from collections.abc import Sequence

import numpy as np

from relais.diagnostic.cat import GRID, PRIOR


def _posteriors(persons, items, correct, a, b, n_persons) -> np.ndarray:
    logit = np.outer(a[items], GRID) - (a[items] * b[items])[:, None]  # answers × grid
    log_p = -np.logaddexp(0, -logit)
    log_q = -np.logaddexp(0, logit)
    per_answer = np.where(correct[:, None], log_p, log_q)
    log_post = np.zeros((n_persons, GRID.size))
    np.add.at(log_post, persons, per_answer)
    log_post += np.log(PRIOR)
    log_post -= log_post.max(axis=1, keepdims=True)
    post = np.exp(log_post)
    return post / post.sum(axis=1, keepdims=True)


def calibrate(
    persons: Sequence[int],
    items: Sequence[int],
    correct: Sequence[bool],
    a: Sequence[float],
    b: Sequence[float],
    fit: Sequence[bool],
    *,
    iterations: int = 100,
    tolerance: float = 1e-4,
) -> tuple[np.ndarray, np.ndarray, int]:
    """(a, b, iterations run): answers are parallel arrays of person index, item index, right or wrong."""
    persons, items = np.asarray(persons, dtype=int), np.asarray(items, dtype=int)
    correct = np.asarray(correct, dtype=bool)
    a, b = np.array(a, dtype=float), np.array(b, dtype=float)
    fit = np.asarray(fit, dtype=bool)
    n_persons, n_items = int(persons.max()) + 1 if persons.size else 0, a.size
    done = 0
    for iteration in range(1, iterations + 1):
        done = iteration
        post = _posteriors(persons, items, correct, a, b, n_persons)[persons]  # answers × grid
        n = np.zeros((n_items, GRID.size))
        r = np.zeros((n_items, GRID.size))
        np.add.at(n, items, post)
        np.add.at(r, items[correct], post[correct])
        change = 0.0
        for i in np.flatnonzero(fit):
            slope, intercept = a[i], -a[i] * b[i]
            for _ in range(5):
                p = 1 / (1 + np.exp(-(slope * GRID + intercept)))
                residual, weight = r[i] - n[i] * p, n[i] * p * (1 - p)
                gradient = np.array([(residual * GRID).sum(), residual.sum()])
                hessian = np.array(
                    [[(weight * GRID**2).sum(), (weight * GRID).sum()], [(weight * GRID).sum(), weight.sum()]]
                )
                try:
                    step = np.linalg.solve(hessian + 1e-6 * np.eye(2), gradient)
                except np.linalg.LinAlgError:
                    break
                slope = float(np.clip(slope + step[0], 0.2, 4.0))
                intercept = float(intercept + step[1])
            new_b = float(np.clip(-intercept / slope, -4.0, 4.0))
            change = max(change, abs(slope - a[i]), abs(new_b - b[i]))
            a[i], b[i] = slope, new_b
        if change < tolerance:
            break
    return a, b, done
