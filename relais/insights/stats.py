"""Small statistics for the dashboards: Wilson intervals and a stratified difference of proportions.

Pure functions, no database: tests check them against textbook values.
"""

import math

Z95 = 1.959963984540054


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """95 % Wilson score interval of a proportion (stays inside [0, 1], sound for small counts)."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def normal_interval(estimate: float, variance: float, z: float = Z95, *, clip: bool = True) -> tuple[float, float]:
    half = z * math.sqrt(max(variance, 0.0))
    low, high = estimate - half, estimate + half
    if clip:
        low, high = max(0.0, low), min(1.0, high)
    return low, high


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
