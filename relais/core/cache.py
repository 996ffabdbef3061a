"""The host's shared cache, and counting hits in it (the public forms' rate limits).

Django's file cache counts with a read then a write, and its `incr` rewrites the entry with the default
lifetime: two workers counting posts at the same instant could both write the same count, and a limit
per hour would be forgotten five minutes after the last post. `FileCache` counts under an exclusive lock
(`flock`) shared by the host's processes, and keeps the entry's expiry.
"""

import fcntl
import os
import pickle
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

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
