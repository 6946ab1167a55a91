"""The release decision as a pure function of plain inputs (no database, no clock, no draw of its own).

The mode is the matrix's cell for the goods' risk tier and the enterprise's credit grade; where risk targeting
within the grade's budget is in force (``release.targeting``), a consignment at or above its grade's harm cut-off
is inspected (at least sample-release) and one below it is not for its risk alone (at most verify-release). Then
it is made stricter (never lighter) where the negative list, the risk assessment's forced mode (a rule's or an
active bulletin's) or the enterprise's tightened supervision asks for more. Then: an inspection where the risk
assessment asks for one, the mode needs one (sample- and supervised-release) or the dual-random draw selected the
consignment; where it takes place (direct release at destination, unless the goods are on the negative list); and
what the declarant does next. ``release.services.decision`` gathers the inputs, calls :func:`decide` and records
the result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from declarations.choices import InspectionPlace
from inspection.choices import TaskReason

from . import matrix, targeting
from .choices import NextStep

# The modes that inspect every consignment (an inspection task is opened for the mode itself).
INSPECTING_MODES = (matrix.SAMPLE, matrix.SUPERVISED)


@dataclass(frozen=True)
class NegativeListMatch:
    """An active negative-list entry that covers one of the declaration's goods lines."""

    entry: int | None
    kind: str
    value: str
    reason: str
    min_mode: str


@dataclass(frozen=True)
class Tightening:
    """The enterprise's tightened supervision in force (after a laboratory failure under sample-release)."""

    tightening: int | None
    min_mode: str
    reason: str
    source_release: int | None = None


@dataclass(frozen=True)
class DecisionInputs:
    tier: str
    grade: str
    cells: Mapping[str, Mapping[str, str]]  # the matrix in force
    negative_list: tuple[NegativeListMatch, ...] = ()
    # The risk assessment: a forced mode ("" for none), the codes of its reasons (a bulletin's contain "bulletin"),
    # a risk-targeted inspection, a hold for an officer.
    risk_forced_mode: str = ""
    risk_reason_codes: tuple[str, ...] = ()
    force_inspection: bool = False
    hold: bool = False
    tightening: Tightening | None = None
    inspection_place_requested: str = InspectionPlace.PORT
    destination_office: str = ""
    # Selected by the dual-random draw (a held declaration is drawn only when an officer resumes it).
    drawn: bool = False
    # Risk targeting within the grade's budget: the consignment's expected harm, its grade's cut-off and tie share,
    # and its own tie draw. Off (the matrix decides alone) until cut-offs are computed for the grade.
    budget_targeting: bool = False
    harm: float | None = None
    harm_cutoff: float | None = None
    harm_tie_share: float = 1.0
    harm_above_share: float = 1.0
    harm_tie_draw: float = 0.0
    # Every site able to take the goods is full today, and the bureau's rule for a targeted inspection then:
    # "verify" (verify-release instead) or "next_day" (inspected the next day).
    capacity_full: bool = False
    capacity_overflow: str = "verify"
    # Recorded with the decision, not decided on: the probability of non-conformity and the cut-offs' version.
    hit_probability: float | None = None
    cutoffs_version: int | None = None


@dataclass(frozen=True)
class Stricter:
    """A constraint that made the mode stricter than the matrix's cell: ``code`` is "negative_list", "risk",
    "bulletin" or "tightening"; ``source`` the negative-list entry or the tightening it came from."""

    code: str
    mode: str
    source: NegativeListMatch | Tightening | None = None


@dataclass(frozen=True)
class Decision:
    matrix_mode: str
    mode: str
    stricter_by: tuple[Stricter, ...]
    inspection_reason: str  # a TaskReason, "" for none (and while on hold)
    next_step: str
    on_hold: bool
    random_selected: bool
    inspection_place: str
    destination_office: str
    direct_release_refused: bool
    # Why it is inspected as far as the budget counts: "forced" (negative list, a forced mode, tightening, a rule's
    # inspection), "targeted" (harm at or above the cut-off), "matrix" (the matrix's cell, targeting off),
    # "random" (only the draw), "" (not inspected).
    selection: str = ""
    budget_lightened: bool = False  # below the cut-off, lighter than the matrix's inspecting cell
    # A targeted inspection the sites' capacity moved: "verify" (not inspected), "next_day"; "" for none.
    capacity_moved: str = ""

    @property
    def inspection_required(self) -> bool:
        return bool(self.inspection_reason)


def decide(inputs: DecisionInputs) -> Decision:
    matrix_mode = matrix.mode_for(inputs.cells, inputs.tier, inputs.grade)
    targeted = inputs.budget_targeting and targeting.is_targeted(
        inputs.harm, inputs.harm_cutoff, tie_share=inputs.harm_tie_share, tie_draw=inputs.harm_tie_draw,
        above_share=inputs.harm_above_share)
    constraints = _constraints(inputs)
    capacity_moved = ""
    if targeted and inputs.capacity_full and not _forced(inputs, constraints):
        capacity_moved = inputs.capacity_overflow if inputs.capacity_overflow == "next_day" else "verify"
        targeted = capacity_moved == "next_day"
    base_mode = budget_mode(matrix_mode, targeted) if inputs.budget_targeting else matrix_mode
    mode = base_mode
    for constraint in constraints:
        mode = matrix.stricter(mode, constraint.mode)
    stricter_by = tuple(c for c in constraints if matrix.is_stricter(c.mode, base_mode))
    reason, next_step = inspection_and_next_step(mode=mode, force_inspection=inputs.force_inspection,
                                                 drawn=inputs.drawn, hold=inputs.hold)
    refused = direct_release_refused(inputs)
    at_destination = inputs.inspection_place_requested == InspectionPlace.DESTINATION and not refused
    return Decision(
        matrix_mode=matrix_mode, mode=mode, stricter_by=stricter_by, inspection_reason=reason, next_step=next_step,
        on_hold=inputs.hold, random_selected=inputs.drawn and not inputs.hold,
        inspection_place=InspectionPlace.DESTINATION if at_destination else InspectionPlace.PORT,
        destination_office=inputs.destination_office if at_destination else "", direct_release_refused=refused,
        selection=_selection(inputs, constraints, targeted, reason),
        budget_lightened=matrix.is_stricter(matrix_mode, base_mode), capacity_moved=capacity_moved)


def budget_mode(matrix_mode: str, targeted: bool) -> str:
    """The mode risk targeting gives before the constraints: a targeted consignment is inspected (the matrix's
    inspecting mode, at least sample-release); any other is not for its risk (at most verify-release)."""
    if targeted:
        return matrix.stricter(matrix_mode, matrix.SAMPLE)
    return matrix_mode if not matrix.is_stricter(matrix_mode, matrix.VERIFY) else matrix.VERIFY


def _constraints(inputs: DecisionInputs) -> list[Stricter]:
    """What makes the mode stricter whatever the matrix or the targeting: the negative list, a rule's or a
    bulletin's forced mode, tightened supervision."""
    constraints = [Stricter("negative_list", entry.min_mode, entry) for entry in inputs.negative_list]
    if inputs.risk_forced_mode in matrix.MODES:
        bulletin = any("bulletin" in code for code in inputs.risk_reason_codes)
        constraints.append(Stricter("bulletin" if bulletin else "risk", inputs.risk_forced_mode))
    if inputs.tightening is not None:
        constraints.append(Stricter("tightening", inputs.tightening.min_mode, inputs.tightening))
    return constraints


def _forced(inputs: DecisionInputs, constraints) -> bool:
    """Inspected whatever the targeting: a rule's inspection or a constraint's inspecting mode."""
    return inputs.force_inspection or any(c.mode in INSPECTING_MODES for c in constraints)


def _selection(inputs: DecisionInputs, constraints, targeted: bool, reason: str) -> str:
    if not reason:
        return ""
    if _forced(inputs, constraints):
        return "forced"
    if targeted:
        return "targeted"
    if reason == TaskReason.RANDOM:
        return "random"
    return "matrix"


def inspection_and_next_step(*, mode: str, force_inspection: bool, drawn: bool, hold: bool = False
                             ) -> tuple[str, str]:
    """Why the consignment is inspected ("" when it is not) and the declarant's next step. A held declaration waits
    for an officer (its inspection is decided when it is resumed)."""
    if hold:
        return "", NextStep.ON_HOLD
    if force_inspection:
        reason = TaskReason.RISK
    elif mode in INSPECTING_MODES:
        reason = TaskReason.RELEASE_MODE
    elif drawn:
        reason = TaskReason.RANDOM
    else:
        reason = ""
    if reason:
        return reason, NextStep.AWAIT_SAMPLING if mode == matrix.SAMPLE else NextStep.AWAIT_INSPECTION
    return "", NextStep.SUPPLY_REPORT if mode == matrix.VERIFY else NextStep.NONE


def direct_release_refused(inputs: DecisionInputs) -> bool:
    """Direct release (inspection at destination) was asked for goods on the negative list: they stay at the port."""
    return inputs.inspection_place_requested == InspectionPlace.DESTINATION and bool(inputs.negative_list)
