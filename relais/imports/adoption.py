"""Adoption reports (placeholder, written next)."""


def read(data, *, source=""):
    raise NotImplementedError


def plan(frame, *, options, as_of, progress=None):
    raise NotImplementedError


def apply(result, *, acting_user, run):
    raise NotImplementedError
