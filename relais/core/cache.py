"""The host's shared cache, counting hits in it, and the public pages' rate limits built on that count.

Django's file cache counts with a read then a write, and its `incr` rewrites the entry with the default
lifetime: two workers counting posts at the same instant could both write the same count, and a limit
per hour would be forgotten five minutes after the last post. `FileCache` counts under an exclusive lock
(`flock`) shared by the host's processes, and keeps the entry's expiry.
"""

import fcntl
import ipaddress
import os
import pickle
import secrets
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

# Not a `.djcache` file: culling and `clear()` leave it alone.
LOCK_FILE = "counting.lock"


class FileCache(FileBasedCache):
    """Django's file cache whose `add` and `incr` (hence `decr`) are atomic between the processes of the host."""

    @contextmanager
    def _counting(self) -> Iterator[None]:
        self._createdir()
        with open(os.path.join(self._dir, LOCK_FILE), "ab") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
            yield

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with self._counting():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        file_name = self._key_to_file(key, version)
        with self._counting():
            try:
                # (The files Django's file cache itself writes and reads, in Relais's own 0700 directory.)
                with open(file_name, "rb") as handle:
                    expiry = pickle.load(handle)  # noqa: S301
                    value = pickle.loads(zlib.decompress(handle.read()))  # noqa: S301
            except (FileNotFoundError, EOFError):
                raise ValueError(f"Key '{key}' not found") from None
            if expiry is not None and expiry < time.time():
                self._delete(file_name)
                raise ValueError(f"Key '{key}' not found")
            value += delta
            self.set(key, value, None if expiry is None else expiry - time.time(), version)
            return value


def count_hit(key: str, window: int) -> int:
    """Count one more hit on `key` and return the count: a window of `window` seconds opens at its first hit."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # the window closed between add and incr: this hit opens the next one
        cache.set(key, 1, window)
        return 1


# --- Rate limits of the public pages -----------------------------------------------------------------------------
#
# A public page counts what it can tell apart: the thing being filled (a sign-in sheet, up to its capacity plus a
# margin), the form a phone loaded (its form token), and, last, the address — only as a ceiling high enough for a
# site's shared Wi-Fi or a city's single proxy address. The address is the socket's, or the client named by
# X-Forwarded-For when (and only when) the socket is one of RELAIS_TRUSTED_PROXIES.


@dataclass(frozen=True)
class Limit:
    """At most `count` hits on `key` per `window` seconds."""

    key: str
    count: int
    window: int


def over_limit(*limits: Limit) -> bool:
    """Count one hit against each limit; true when any of them is passed (every limit counts the hit)."""
    passed = False
    for limit in limits:
        passed |= count_hit(f"relais:rate:{limit.key}", limit.window) > limit.count
    return passed


def limit_reached(limit: Limit) -> bool:
    """Whether `limit` is already used up, without counting a hit (to count failures only)."""
    return (cache.get(f"relais:rate:{limit.key}") or 0) >= limit.count


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _address(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's address: the socket's, unless that is a trusted proxy (RELAIS_TRUSTED_PROXIES, addresses
    or networks); then the right-most address of X-Forwarded-For that is not itself a trusted proxy.

    X-Forwarded-For from anyone else is ignored: a client could write any address there to escape its limit.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = _networks(tuple(getattr(settings, "RELAIS_TRUSTED_PROXIES", ())))
    socket_address = _address(remote)
    if not proxies or socket_address is None or not any(socket_address in n for n in proxies):
        return remote or "unknown"
    chain = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for value in reversed(chain):
        address = _address(value)
        if address is None:
            break  # garbage written by the client itself: stop at the last address a proxy vouched for
        if not any(address in n for n in proxies):
            return str(address)
        remote = str(address)
    return remote


def address_limit(request, scope: str) -> Limit:
    """The per-address ceiling of a public page (RELAIS_PUBLIC_ADDRESS_RATE posts per hour)."""
    return Limit(f"{scope}:ip:{client_address(request)}", settings.RELAIS_PUBLIC_ADDRESS_RATE, 60 * 60)


FORM_TOKEN_SALT = "relais.core.form-token"


def form_token(scope: str) -> str:
    """A token for one loaded public form (signed, random): its posts are counted apart from other phones'."""
    return signing.dumps({"s": scope, "n": secrets.token_urlsafe(9)}, salt=FORM_TOKEN_SALT, compress=True)


def form_token_limit(request, token: str | None, scope: str, *, count: int, window: int) -> Limit:
    """The limit of the loaded form that `token` names (signed, a day at most); without a valid token, the posts
    of one address share one bucket of the same size.
    """
    try:
        data = signing.loads(token or "", salt=FORM_TOKEN_SALT, max_age=24 * 60 * 60)
        nonce = data["n"] if data.get("s") == scope else None
    except (signing.BadSignature, TypeError, KeyError, AttributeError):
        nonce = None
    return Limit(f"{scope}:form:{nonce or 'none:' + client_address(request)}", count, window)
