"""The rules, one module per family; importing this package registers them all (`REGISTRY`)."""

from relais.findings.rules import (  # noqa: F401 - imported for their registrations
    completeness,
    consistency,
    referential,
    timeliness,
    uniqueness,
    validity,
)
from relais.findings.rules.base import REGISTRY, Context, Fault, Rule

__all__ = ["REGISTRY", "Context", "Fault", "Rule"]
