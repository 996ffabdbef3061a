"""Matching an extract's directions, services and sites to the referential, by code or name (folded).

Values that match nothing are created when the import is applied; until then (dry run) they get
negative placeholder ids so that comparisons still tell "changed" from "unchanged".
"""

from dataclasses import dataclass, field

from relais.core.text import fold
from relais.organisation.enums import SiteKind
from relais.organisation.models import Direction, Service, Site


@dataclass
class Referential:
    directions: dict[str, int] = field(default_factory=dict)  # folded value -> id
    services: dict[tuple[int, str], int] = field(default_factory=dict)  # (direction id, folded value) -> id
    sites: dict[str, int] = field(default_factory=dict)  # folded name -> id
    new_directions: dict[int, str] = field(default_factory=dict)  # placeholder -> value as written
    new_services: dict[int, tuple[int, str]] = field(default_factory=dict)  # placeholder -> (direction, value)
    new_sites: dict[int, tuple[str, int]] = field(default_factory=dict)  # placeholder -> (value, direction)
    _next: int = -1

    @classmethod
    def load(cls) -> "Referential":
        ref = cls()
        for pk, _code, name in Direction.objects.order_by("-pk").values_list("pk", "code", "name"):
            ref.directions[fold(name)] = pk
        for pk, code, _name in Direction.objects.order_by("-pk").values_list("pk", "code", "name"):
            ref.directions[fold(code)] = pk  # codes win over names
        for pk, direction_id, code, name in Service.objects.order_by("-pk").values_list(
            "pk", "direction_id", "code", "name"
        ):
            ref.services[(direction_id, fold(name))] = pk
            if code:
                ref.services.setdefault((direction_id, fold(code)), pk)
        for pk, name in Site.objects.order_by("-pk").values_list("pk", "name"):
            ref.sites[fold(name)] = pk  # the oldest site of a name wins
        return ref

    def _placeholder(self) -> int:
        value, self._next = self._next, self._next - 1
        return value

    def direction(self, value: str) -> int:
        key = fold(value)
        if key not in self.directions:
            self.directions[key] = pk = self._placeholder()
            self.new_directions[pk] = value
        return self.directions[key]

    def service(self, direction_id: int, value: str) -> int | None:
        if not value:
            return None
        key = (direction_id, fold(value))
        if key not in self.services:
            self.services[key] = pk = self._placeholder()
            self.new_services[pk] = (direction_id, value)
        return self.services[key]

    def site(self, value: str, direction_id: int) -> int | None:
        if not value:
            return None
        key = fold(value)
        if key not in self.sites:
            self.sites[key] = pk = self._placeholder()
            self.new_sites[pk] = (value, direction_id)
        return self.sites[key]

    def summary(self) -> dict[str, list[str]]:
        return {
            "directions": sorted(self.new_directions.values()),
            "services": sorted(value for _d, value in self.new_services.values()),
            "sites": sorted(value for value, _d in self.new_sites.values()),
        }

    def create_missing(self) -> dict[int, int]:
        """Create what the extract names and the referential lacks; returns {placeholder: real id}."""
        real: dict[int, int] = {}
        taken = set(Direction.objects.values_list("code", flat=True))
        for placeholder, value in self.new_directions.items():
            code = _direction_code(value, taken)
            taken.add(code)
            real[placeholder] = Direction.objects.create(code=code, name=value[:200]).pk
        services = Service.objects.bulk_create(
            Service(direction_id=real.get(direction_id, direction_id), name=value[:200])
            for direction_id, value in self.new_services.values()
        )
        real.update(zip(self.new_services, (service.pk for service in services), strict=True))
        sites = Site.objects.bulk_create(
            Site(name=value[:200], direction_id=real.get(direction_id, direction_id), kind=SiteKind.AUTRE)
            for value, direction_id in self.new_sites.values()
        )
        real.update(zip(self.new_sites, (site.pk for site in sites), strict=True))
        return real


def _direction_code(value: str, taken: set[str]) -> str:
    """A short code for a new direction: the value itself when it looks like one, else its initials."""
    words = fold(value).upper().split()
    if len(value) <= 16 and " " not in value.strip():
        base = value.strip().upper()
    else:
        base = "".join(w[0] for w in words if len(w) > 2)[:12] or "DIR"
    code, n = base[:16], 2
    while code in taken:
        code = f"{base[:13]}-{n}"
        n += 1
    return code
