"""One search box over the apps' objects: a declaration number, a container, a bill of lading, an enterprise's name
or unified social credit code, a certificate number.

Each app registers, in its ``AppConfig.ready()``, a finder for the objects it owns; the finder reads through the
app's own scoped selectors, so a declarant finds only its enterprise's objects and this module never names an app
above it (as the page slots do)."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .roles import BUREAU_ROLES, Role, require_role

QUERY_MIN, QUERY_MAX = 2, 64
HITS_PER_KIND = 10


@dataclass(frozen=True)
class SearchHit:
    title: str
    detail: str
    url: str


@dataclass(frozen=True)
class SearchFinder:
    kind: str
    # Where the kind's results stand on the page (lowest first).
    position: int
    # The kind's name in the reader's language (a lazy translation).
    label: object
    # (user, query, limit) -> the hits the user may see
    find: Callable[..., list[SearchHit]]


_finders: dict[str, SearchFinder] = {}


def search_finder_register(kind: str, *, position: int, label, find: Callable[..., list[SearchHit]]) -> None:
    _finders[kind] = SearchFinder(kind=kind, position=position, label=label, find=find)


def search_query_clean(raw: str | None) -> str:
    """The query as searched (spaces trimmed), or a ValidationError on ``q``."""
    query = re.sub(r"\s+", " ", raw or "").strip()
    if len(query) < QUERY_MIN:
        raise ValidationError({"q": [_("Type at least %(n)d characters.") % {"n": QUERY_MIN}]})
    if len(query) > QUERY_MAX:
        raise ValidationError({"q": [_("Type at most %(n)d characters.") % {"n": QUERY_MAX}]})
    return query


def search_run(*, user, query: str) -> list[dict]:
    """The hits of every registered kind for ``query``, grouped by kind in order of position; kinds without a hit
    are left out. For declarants and bureau staff (403 for others: partner agencies read their scoped resources)."""
    require_role(user, Role.DECLARANT, *BUREAU_ROLES)
    groups = []
    for finder in sorted(_finders.values(), key=lambda finder: finder.position):
        hits = finder.find(user=user, query=query, limit=HITS_PER_KIND)
        if hits:
            groups.append({"kind": finder.kind, "label": finder.label, "hits": hits})
    return groups

