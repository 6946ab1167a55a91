"""Small, rarely changed tables that every submission reads (the HS nomenclature, document and registration
rules, the release matrix, the negative list, the inspection policy, the risk engine's versions), remembered by
each process for CIQ["REFERENCE_CACHE_SECONDS"].

Saving or deleting a row of such a table forgets it in the process that wrote it
(:func:`reference_forget_on_change`), so that process sees the change at once; the other processes see it
within that many seconds. A decision records the versions it used (matrix, policy,
rules), so one taken in that window says which version decided it. 0 turns the memory off.
"""

import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db.models.signals import post_delete, post_save

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
    """Forget ``keys`` in this process (every key when none is given)."""
    if not keys:
        _values.clear()
    for key in keys:
        _values.pop(key, None)


def reference_forget_on_change(model, *keys: str) -> None:
    """Forget ``keys`` in this process whenever a row of ``model`` is saved or deleted here (call from an app's
    ``ready``). Bulk writes send no signal: the memory then lasts its few seconds."""
    def forget(**kwargs):
        reference_forget(*keys)

    uid = f"reference-forget:{model._meta.label_lower}:{','.join(keys)}"
    post_save.connect(forget, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(forget, sender=model, weak=False, dispatch_uid=uid)
