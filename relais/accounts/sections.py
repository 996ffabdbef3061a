"""Parts that areas above accounts add to the « Mes sessions et jetons » page, without accounts importing them.

An area registers a template and a function giving its context from its AppConfig.ready (relais.api adds the
user's own API tokens), as config/navigation.py composes the menu: the arrows of docs/architecture.md stay true.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    template: str
    context: Callable[[object], dict]


_SECTIONS: list[Section] = []


def register(section: Section) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def sections() -> list[Section]:
    return list(_SECTIONS)
