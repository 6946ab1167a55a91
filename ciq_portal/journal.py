"""Writes to the append-only journals: the audit log, declaration timelines, outbox events, in-app notifications.

A service writes its journal rows with :func:`journal_save`. Inside ``with journal_batch():`` (a pipeline that
makes many moves in one transaction, such as a submission) the rows are inserted at the end of the block with
one statement per table instead of one statement each, and the row the moves change (:func:`batch_lock`,
:func:`batch_save`) is locked once and written once; outside a batch each is done at once. Either way
they commit or roll back with the caller's transaction. Nothing inside a batch reads these rows back before the
block ends: they are written, never read, by the moves that make them. A batch wraps code that lets a service's
error end the transaction; code that catches such an error and goes on would keep the failed service's rows.
"""

import threading
from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction


class _Batch(threading.local):
    def __init__(self):
        self.rows: list[models.Model] | None = None
        self.after_commit: list[Callable[[], None]] = []
        self.locked: list[models.Model] = []
        self.changed: list[tuple[models.Model, set[str]]] = []


_batch = _Batch()


def journal_save(*rows: models.Model, after_commit: Callable[[], None] | None = None) -> None:
    """Insert ``rows`` now, or at the end of the current batch. ``after_commit`` (e.g. queue the task that reads
    these rows) runs once after the transaction commits, however many rows of the batch ask for it."""
    if _batch.rows is None:
        _insert(rows)
        if after_commit is not None:
            transaction.on_commit(after_commit, robust=True)
        return
    _batch.rows.extend(rows)
    if after_commit is not None and after_commit not in _batch.after_commit:
        _batch.after_commit.append(after_commit)


@contextmanager
def journal_batch():
    """Collect the journal rows written inside the block and insert them when it ends. Nested batches join the
    outermost one. If the block raises, its rows are dropped with the transaction they belonged to."""
    if _batch.rows is not None:
        yield
        return
    _batch.rows, _batch.after_commit, _batch.locked, _batch.changed = [], [], [], []
    try:
        yield
        rows, after_commit, changed = _batch.rows, _batch.after_commit, _batch.changed
    finally:
        _batch.rows, _batch.after_commit, _batch.locked, _batch.changed = None, [], [], []
    for instance, fields in changed:
        instance.save(update_fields=sorted(fields))
    _insert(rows)
    for callback in after_commit:
        transaction.on_commit(callback, robust=True)


def batch_atomic(service):
    """``transaction.atomic`` for a service that pipelines call inside a batch. There it joins the pipeline's
    transaction without a savepoint of its own: a batch lets a service's error end the transaction, so nothing
    would ever roll back to that savepoint. Called anywhere else, it is ``transaction.atomic``."""

    @wraps(service)
    def wrapper(*args, **kwargs):
        with transaction.atomic(savepoint=_batch.rows is None):
            return service(*args, **kwargs)

    return wrapper


def batch_lock(instance: models.Model, lock: Callable[[], None]) -> None:
    """Run ``lock`` (lock ``instance``'s row and reload the instance from it) unless this very instance was locked
    earlier in the current batch: the row stays locked until the batch's transaction ends, and the batch's moves
    change it through this instance, so the lock and the reload would find nothing new."""
    if _batch.rows is None:
        lock()
    elif not any(held is instance for held in _batch.locked):
        lock()
        _batch.locked.append(instance)


def batch_save(instance: models.Model, fields) -> None:
    """Save ``fields`` of ``instance`` (locked with :func:`batch_lock`) now, or at the end of the current batch,
    with every field the batch's moves changed on it: a pipeline that moves a row several times writes it once.
    Nothing inside a batch reads such a row back from the database; its moves read and change this instance."""
    if _batch.rows is None:
        instance.save(update_fields=fields)
        return
    for held, pending in _batch.changed:
        if held is instance:
            pending.update(fields)
            return
    _batch.changed.append((instance, set(fields)))


def _insert(rows) -> None:
    # Tables in the order their first row was written, so a row referring to another journal row (a notification
    # to its outbox event) is inserted after it and reads its primary key.
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, model_rows in by_model.items():
        if len(model_rows) == 1:
            model_rows[0].save(force_insert=True)
        else:
            model.objects.bulk_create(model_rows)


def journal_follow_up(pending_key: str, task, *, seconds: float | None = None) -> None:
    """Queue ``task`` (which handles every row committed before it starts) unless one is queued and has not
    started. The task starts after ``seconds`` (default CIQ["JOURNAL_FOLLOW_UP_SECONDS"]) and deletes
    ``pending_key`` first, so a burst of commits costs the worker one run per interval, and every row is handled
    within about an interval. The key also expires, in case a queued task is lost (the beat sweeps catch its rows)."""
    delay = settings.CIQ["JOURNAL_FOLLOW_UP_SECONDS"] if seconds is None else seconds
    if cache.add(pending_key, 1, timeout=delay + 30):
        task.apply_async(countdown=delay)
