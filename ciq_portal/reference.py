"""Small, rarely changed tables that every submission reads (the HS nomenclature, document and registration
rules, the release matrix, the negative list, the day's draw period, the risk engine's versions), remembered by
each process for CIQ["REFERENCE_CACHE_SECONDS"].

The service that changes such a table calls :func:`reference_forget` with its key, so its own process sees the
change at once; the other processes see it within that many seconds. A decision records the versions it used
(matrix, policy, rules), so one taken in that window says which version decided it. 0 turns the memory off.
The nomenclature and the document and registration rules have no service of their own (migrations and the demo
write them): whatever writes them forgets them.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import transaction

T = TypeVar("T")

_values: dict[str, tuple[float, object]] = {}


def reference_cached(key: str, load: Callable[[], T], *, seconds: float | None = None) -> T:
    """``load()``, remembered under ``key`` for ``seconds`` (default CIQ["REFERENCE_CACHE_SECONDS"])."""
    ttl = settings.CIQ["REFERENCE_CACHE_SECONDS"] if seconds is None else seconds
    if not ttl:
        return load()
    now = time.monotonic()
    remembered = _values.get(key)
    if remembered is not None and now - remembered[0] < ttl:
        return remembered[1]
    value = load()
    _values[key] = (now, value)
    return value


def reference_forget(*keys: str) -> None:
    """Forget ``keys`` in this process (every key when none is given), now and again when the caller's transaction
    commits: a read in between would remember the rows from before the change."""
    _forget(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _forget(keys), robust=True)


def _forget(keys) -> None:
    if not keys:
        _values.clear()
    for key in keys:
        _values.pop(key, None)
