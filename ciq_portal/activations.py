"""Activations a higher app reacts to: a lower app announces that a table deciding the release changed (the
inspection policy, a risk rule, a model, the matrix) and the listeners an app above registered in its
``AppConfig.ready()`` run once the change committed (release recomputes its selection cut-offs). The announcing
app names no listener, as with page slots."""

from collections.abc import Callable

from django.db import transaction

Listener = Callable[[str, object], None]
_listeners: list[Listener] = []


def activation_listen(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def activation_announce(kind: str, version: object = None) -> None:
    """After the caller's transaction commits, tell every listener that ``kind`` (in ``version``) is in force."""
    for listener in list(_listeners):
        transaction.on_commit(lambda listener=listener: listener(kind, version))
