"""Travel times between places, in whole minutes, for a mediator crossing Paris.

The model (docs/planning.md): crow-fly (haversine) distance × a detour factor, at a door-to-door
public-transport speed, plus a fixed access time (walk to the station, wait, walk from it). Rounded up
to the minute so that a plan feasible under the model is never optimistic by a rounding. Two points
closer than `same_place_m` are the same place: no travel.

Anything with a `matrix(points)` method can replace it (a real travel-time matrix from a routing
service, for instance): the solver, the greedy baseline, the bound and the validator only call that.
"""

import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

EARTH_RADIUS_M = 6_371_000.0

Point = tuple[float, float]  # (latitude, longitude) in degrees


class TravelTimes(Protocol):
    def matrix(self, origins: list[Point], destinations: list[Point] | None = None) -> np.ndarray:
        """Minutes from each origin (rows) to each destination (columns), as int64."""
        ...


def haversine_m(lat1, lon1, lat2, lon2):
    """Great-circle distance in metres; works elementwise on numpy arrays."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class ParisTransit:
    """Public transport in Paris, door to door (defaults documented in docs/planning.md)."""

    detour: float = 1.3
    speed_kmh: float = 15.0
    access_minutes: float = 8.0
    same_place_m: float = 30.0

    def matrix(self, origins: list[Point], destinations: list[Point] | None = None) -> np.ndarray:
        destinations = origins if destinations is None else destinations
        if not origins or not destinations:
            return np.zeros((len(origins), len(destinations)), dtype=np.int64)
        o = np.asarray(origins, dtype=float)
        d = np.asarray(destinations, dtype=float)
        metres = haversine_m(o[:, 0:1], o[:, 1:2], d[None, :, 0], d[None, :, 1])
        minutes = self.access_minutes + metres * self.detour / (self.speed_kmh * 1000 / 60)
        out = np.ceil(minutes - 1e-9).astype(np.int64)
        out[metres < self.same_place_m] = 0
        return out

    def minutes(self, a: Point, b: Point) -> int:
        return int(self.matrix([a], [b])[0, 0])

    def describe(self) -> str:
        return (
            f"distance à vol d'oiseau × {self.detour:g}, à {self.speed_kmh:g} km/h de porte à porte, "
            f"+ {self.access_minutes:g} min d'accès"
        )


def kilometres(a: Point, b: Point) -> float:
    return float(haversine_m(a[0], a[1], b[0], b[1])) / 1000


def ceil_int(x: float) -> int:
    return int(math.ceil(x))
