"""Access logs without search terms: the query string (`?q=Dupont`, `?matricule=…`) never reaches a log line.

Searches are sent by GET (a bookmarkable list), so a name or a matricule would sit in the request line and in
the next request's Referer. `AccessLogger` (gunicorn's `--logger-class`) cuts the query from the request
line, the path, the query atom and the Referer; `NoQueryFilter` does the same for Django's own request logs
(`django.server`, `django.request`: the development server and 4xx/5xx warnings).
"""

import logging
import re

from gunicorn.glogging import Logger

_QUERY = re.compile(r"\?[^\s\"]*")


def strip_query(text):
    """`text` with every `?query` (up to a space or a quote) cut; non-strings are returned as they are."""
    return _QUERY.sub("", text) if isinstance(text, str) else text


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = strip_query(atoms["r"])
        atoms["q"] = ""
        atoms["f"] = strip_query(atoms["f"])
        for key in [k for k in atoms if k.startswith("{") and k.endswith("}i")]:
            atoms[key] = strip_query(atoms[key])
        return atoms


class NoQueryFilter(logging.Filter):
    """Cut query strings from Django's request log records (their arguments hold the request line)."""

    def filter(self, record):
        if record.name in ("django.server", "django.request") or record.name.startswith("gunicorn"):
            record.msg = strip_query(record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(strip_query(a) for a in record.args)
        return True
