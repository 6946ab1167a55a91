"""The Time Release Study by stage (WCO TRS, WTO TFA art. 7.6): how long each step between the goods' arrival and
their gate-out took, from the events the portal records.

A consignment's milestones, in their order: arrival (the logistics arrival, else the declared date of arrival),
declaration submitted, release mode decided, documents complete (the report supplied or the declaration answered
after documents were asked for), inspection started (claimed), inspection concluded, lab result, released, gate-out
(port release, else the inspection site's gate-out). Stage *k* is the time from the latest milestone recorded before
it to milestone *k*:

- a milestone with no event leaves its stage unknown (never zero), and the next stage runs from the last one known;
- a milestone recorded before an earlier one (a declaration filed before the goods berthed, an event pushed late
  with an earlier time) counts zero for its stage: the time at the port was spent in the stage before;
- a step of the inspection recorded after the release (the lab result of sample-release) is not time to release:
  its stage is unknown for the study.
"""

from datetime import datetime
from types import SimpleNamespace

from django.utils.translation import gettext_lazy as _

from . import clearance

ARRIVAL = "arrival"
STAGES = (
    ("submitted", _("Arrival to declaration submitted")),
    ("decided", _("Submitted to release mode decided")),
    ("documents", _("Mode decided to documents complete")),
    ("inspection_started", _("To inspection started")),
    ("inspection_concluded", _("Inspection started to concluded")),
    ("lab_result", _("To laboratory result")),
    ("released", _("To release")),
    ("gate_out", _("Release to gate-out")),
)
STAGE_NAMES = tuple(name for name, _label in STAGES)
STAGE_LABELS = dict(STAGES)
# Steps between the decision and the release: one recorded after the release is not part of the time to release.
BEFORE_RELEASE = frozenset({"documents", "inspection_started", "inspection_concluded", "lab_result"})


def stage_minutes(milestones: dict[str, datetime | None]) -> dict[str, int | None]:
    """Minutes per stage (None: unknown) from a consignment's milestone times (``ARRIVAL`` and ``STAGE_NAMES``)."""
    released = milestones.get("released")
    reference = milestones.get(ARRIVAL)
    minutes: dict[str, int | None] = {}
    for name in STAGE_NAMES:
        at = milestones.get(name)
        if at is not None and released is not None and name in BEFORE_RELEASE and at > released:
            at = None
        if at is None:
            minutes[name] = None
            continue
        minutes[name] = None if reference is None else max(0, int((at - reference).total_seconds() // 60))
        reference = at if reference is None else max(reference, at)
    return minutes


def arrival_of(*, arrived_at, arrival_date) -> datetime | None:
    return clearance.arrival_time(SimpleNamespace(arrived_at=arrived_at, arrival_date=arrival_date))
