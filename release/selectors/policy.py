"""The policy tables as they apply now: the release matrix, the selection cut-offs and the negative list."""

from __future__ import annotations

from django.db.models import QuerySet

from ciq_portal.reference import reference_cached
from declarations.nomenclature import hs_categories

from .. import matrix
from ..choices import NegativeListKind
from ..models import (
    NegativeListEntry,
    ReleaseDecision,
    ReleaseMatrixVersion,
    SelectionCutoffs,
)

MATRIX_KEY = "release-matrix"
NEGATIVE_LIST_KEY = "negative-list"
CUTOFFS_KEY = "release-selection-cutoffs"


def _matrix_in_force() -> tuple[int, dict]:
    current = ReleaseMatrixVersion.objects.order_by("-version").first()
    if current is None:
        return 0, matrix.DEFAULT_CELLS
    return current.version, current.cells


def release_matrix_current() -> tuple[int, dict]:
    """(version, cells) in force; version 0 is the built-in default."""
    return reference_cached(MATRIX_KEY, _matrix_in_force)


def selection_cutoffs_current() -> dict | None:
    """{"version", "grades": {grade: cut-off figures}} of the risk-targeting cut-offs in force, None before the first
    computation. Every submission reads it: remembered per process, forgotten by the service that computes it."""
    return reference_cached(CUTOFFS_KEY, lambda: (SelectionCutoffs.objects.order_by("-version")
                                                  .values("version", "grades").first()))


def selection_probabilities(declaration_ids) -> dict[int, float]:
    """{declaration id: the probability its inspection was selected with} (risk's training weighs by it)."""
    return dict(ReleaseDecision.objects.filter(declaration_id__in=list(declaration_ids),
                                               selection_probability__isnull=False)
                .values_list("declaration_id", "selection_probability"))


def selection_cutoffs_versions() -> QuerySet[SelectionCutoffs]:
    return SelectionCutoffs.objects.order_by("-version")


def release_matrix_versions() -> QuerySet[ReleaseMatrixVersion]:
    return ReleaseMatrixVersion.objects.select_related("created_by").order_by("-version")


def negative_list(*, active_only: bool = True) -> QuerySet[NegativeListEntry]:
    queryset = NegativeListEntry.objects.select_related("created_by", "retired_by")
    return queryset.filter(active=True) if active_only else queryset


def negative_list_matches(declaration) -> list[NegativeListEntry]:
    """Active negative-list entries that cover any goods line (HS code prefix, or the line's category)."""
    entries = reference_cached(NEGATIVE_LIST_KEY, lambda: list(NegativeListEntry.objects.filter(active=True)))
    if not entries:
        return []
    codes = {line.hs_code for line in declaration.lines.all()}
    categories = set().union(*(hs_categories(code) for code in codes))
    return [e for e in entries
            if (e.kind == NegativeListKind.HS_PREFIX and any(code.startswith(e.value) for code in codes))
            or (e.kind == NegativeListKind.CATEGORY and e.value in categories)]
