"""The release-mode matrix as pure data (no database): goods risk tier x credit grade -> release mode.

Guidance §5.1 (docs/guidance.md). The supervisor-edited versions live in ``ReleaseMatrixVersion``;
this module holds the defaults, the validation rules and the choice of a mode, so they can be tested from tables.
"""

from django.utils.translation import gettext as _

DECLARE, VERIFY, SAMPLE, SUPERVISED = "declare", "verify", "sample", "supervised"
# From the lightest to the strictest: a "stricter" mode is one further right.
MODES = (DECLARE, VERIFY, SAMPLE, SUPERVISED)
STRICTNESS = {mode: n for n, mode in enumerate(MODES)}

TIERS = ("low", "medium", "high", "very_high")
GRADES = ("AA", "A", "B", "C", "D")  # from the best to the worst

# Low risk and a good grade: released on declaration; the worse the grade or the higher the risk, the stricter;
# very high risk or a dishonest (D) enterprise: supervised release.
DEFAULT_CELLS = {
    "low": {"AA": DECLARE, "A": DECLARE, "B": VERIFY, "C": SAMPLE, "D": SUPERVISED},
    "medium": {"AA": DECLARE, "A": VERIFY, "B": VERIFY, "C": SAMPLE, "D": SUPERVISED},
    "high": {"AA": VERIFY, "A": SAMPLE, "B": SAMPLE, "C": SUPERVISED, "D": SUPERVISED},
    "very_high": {"AA": SUPERVISED, "A": SUPERVISED, "B": SUPERVISED, "C": SUPERVISED, "D": SUPERVISED},
}


def stricter(a: str, b: str) -> str:
    """The stricter of two modes ("" counts as no constraint)."""
    if not a:
        return b
    if not b:
        return a
    return a if STRICTNESS[a] >= STRICTNESS[b] else b


def is_stricter(a: str, b: str) -> bool:
    return STRICTNESS[a] > STRICTNESS[b]


def validate_cells(cells) -> dict[str, list[str]]:
    """Field errors of a proposed matrix, keyed "<tier>__<grade>" (or "cells"); empty when valid.

    Rules: every tier x grade cell holds one of the four modes; a higher risk tier never gets a lighter mode than
    a lower tier for the same grade; a worse grade never gets a lighter mode than a better grade for the same tier;
    very high risk and grade D are never released on declaration or verification alone (at least sample-release).
    """
    errors: dict[str, list[str]] = {}
    if not isinstance(cells, dict):
        return {"cells": [_("The matrix must map each risk tier to a mode per grade.")]}
    for tier in TIERS:
        row = cells.get(tier)
        for grade in GRADES:
            mode = row.get(grade) if isinstance(row, dict) else None
            if mode not in MODES:
                errors[f"{tier}__{grade}"] = [_("Choose one of the four release modes.")]
    if errors:
        return errors
    for ti, tier in enumerate(TIERS):
        for gi, grade in enumerate(GRADES):
            mode = cells[tier][grade]
            key = f"{tier}__{grade}"
            if ti and is_stricter(cells[TIERS[ti - 1]][grade], mode):
                errors.setdefault(key, []).append(
                    _("A higher risk tier cannot get a lighter mode than the tier below it for the same grade."))
            if gi and is_stricter(cells[tier][GRADES[gi - 1]], mode):
                errors.setdefault(key, []).append(
                    _("A worse credit grade cannot get a lighter mode than a better grade for the same risk tier."))
            if (tier == "very_high" or grade == "D") and STRICTNESS[mode] < STRICTNESS[SAMPLE]:
                errors.setdefault(key, []).append(
                    _("Very high risk goods and grade D enterprises need at least sample-release."))
    return errors


def normalise_cells(cells) -> dict:
    return {tier: {grade: cells[tier][grade] for grade in GRADES} for tier in TIERS}


def mode_for(cells, tier: str, grade: str) -> str:
    """The matrix cell; an unknown tier counts as high, an unknown grade as B (new enterprises start at B)."""
    tier = tier if tier in TIERS else "high"
    grade = grade if grade in GRADES else "B"
    return cells[tier][grade]
