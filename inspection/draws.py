"""The dual-random draws (双随机), as pure functions of a seed and recorded inputs. No database here, and nothing
beyond Python's standard library: this file is also the public verifier, served as /public/draws/verify.py.

    python3 verify.py DAY.json [MORE.json ...]     # or the URLs: https://.../public/draws/2026-11-26.json

checks each day's published record: the revealed seed matches the commitment published before the day, every draw
was made after that commitment and before the reveal, and re-running every draw from its recorded inputs gives the
recorded result. It exits 0 when all match, 1 naming each mismatch.

Anyone holding a period's revealed seed and a draw's recorded inputs can re-run the draw with this module (or
with the few lines of any language that compute HMAC-SHA256) and get the same result:

* ``uniform(seed, *parts)``: HMAC-SHA256 keyed with the seed (its hex text, UTF-8) over the parts joined by
  ``"|"``; the first 8 bytes, shifted right by 11, divided by 2**53, give a number in [0, 1).
* object draw: selected when ``uniform(seed, "object", subject) < ratio``.
* people draw: the candidates are sorted by id (so the order they are listed in cannot matter); with
  ``total`` the sum of their integer weights and ``n`` the 53-bit integer behind ``uniform(seed, "people",
  subject)``, the point ``r = (n * total) >> 53`` (exact integer arithmetic) falls in the weight interval of
  exactly one candidate when the intervals are laid end to end in id order: that candidate is drawn.

Recorded inputs of a people draw hold the candidates grouped by weight: ``{"weights": {"<weight>": [ids]}}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

ALGORITHM = "hmac-sha256/v1"
WEIGHT_SCALE = 1_000_000


def commitment_of(seed: str) -> str:
    """The published commitment: SHA-256 of the seed's hex text."""
    return hashlib.sha256(seed.encode()).hexdigest()


def uniform_int(seed: str, *parts) -> int:
    """The 53-bit integer behind ``uniform``."""
    message = "|".join(str(part) for part in parts).encode()
    digest = hmac.new(seed.encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 11


def uniform(seed: str, *parts) -> float:
    return uniform_int(seed, *parts) / float(1 << 53)


@dataclass(frozen=True)
class ObjectDrawResult:
    value: float
    selected: bool


def object_draw(seed: str, subject: str, ratio: float) -> ObjectDrawResult:
    if not 0.0 <= ratio <= 1.0:
        raise ValueError("ratio must be within [0, 1]")
    value = uniform(seed, "object", subject)
    return ObjectDrawResult(value=value, selected=value < ratio)


def canonical_candidates(candidates: Iterable[Mapping]) -> list[dict]:
    """Candidates as [{"id": int, "weight": int}] sorted by id; duplicates and non-positive weights refused."""
    rows = sorted(({"id": int(c["id"]), "weight": int(c["weight"])} for c in candidates), key=lambda c: c["id"])
    ids = [c["id"] for c in rows]
    if len(ids) != len(set(ids)):
        raise ValueError("a candidate is listed twice")
    if any(c["weight"] <= 0 for c in rows):
        raise ValueError("weights must be positive")
    return rows


@dataclass(frozen=True)
class PeopleDrawResult:
    chosen: int | None
    point: int | None = None


def people_draw(seed: str, subject: str, candidates: Iterable[Mapping]) -> PeopleDrawResult:
    return people_draw_canonical(seed, subject, canonical_candidates(candidates))


def people_draw_canonical(seed: str, subject: str, rows: list[dict]) -> PeopleDrawResult:
    """``people_draw`` on candidates already in canonical form (sorted by id, unique, positive weights)."""
    return people_draw_ids(seed, subject, [c["id"] for c in rows], [c["weight"] for c in rows])


def people_draw_ids(seed: str, subject: str, ids: list[int], weights: list[int]) -> PeopleDrawResult:
    """The same draw on parallel lists (ids ascending)."""
    if not ids:
        return PeopleDrawResult(chosen=None)
    total = sum(weights)
    point = (uniform_int(seed, "people", subject) * total) >> 53
    running = 0
    for officer_id, weight in zip(ids, weights, strict=True):
        running += weight
        if point < running:
            return PeopleDrawResult(chosen=officer_id, point=point)
    raise AssertionError("unreachable: point < total")


def ungroup(weights: Mapping[str, list]) -> list[dict]:
    return canonical_candidates({"id": i, "weight": int(w)} for w, ids in weights.items() for i in ids)


def load_weight(load: int, min_load: int) -> int:
    """Integer weight from an officer's open workload: the least loaded weigh most (1/(1+excess)^2)."""
    excess = max(0, int(load) - int(min_load))
    return max(1, WEIGHT_SCALE // ((1 + excess) ** 2))


# --- Who may be drawn -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerSnapshot:
    """What the people draw needs to know about one officer, read from the database by the service."""

    id: int
    categories: frozenset[str]
    site_ids: frozenset[int]
    shifts: tuple[tuple[datetime, datetime], ...] = ()
    leave: tuple[tuple[date, date], ...] = ()
    conflicted_enterprise_ids: frozenset[int] = frozenset()
    load: int = 0
    active: bool = True
    # The sites where the roster has the officer on duty (None: at every site the officer is qualified for).
    duty_site_ids: frozenset[int] | None = None

    def on_duty(self, at: datetime) -> bool:
        if not self.active:
            return False
        if any(start <= at.date() <= end for start, end in self.leave):
            return False
        return any(start <= at < end for start, end in self.shifts)


EXCLUDE_OFF_DUTY = "off_duty"
EXCLUDE_UNQUALIFIED_CATEGORY = "unqualified_category"
EXCLUDE_UNQUALIFIED_SITE = "unqualified_site"
EXCLUDE_CONFLICT = "conflict_of_interest"
EXCLUDE_LAST_INSPECTOR = "last_inspector"


class CandidatePool:
    """The officers of one dispatch batch: who is on duty and qualified is worked out once per (category, site);
    per inspection only conflicts, the last inspector and the loads (which grow as the batch assigns) remain."""

    def __init__(self, officers: Iterable[OfficerSnapshot], *, at: datetime,
                 on_duty_ids: frozenset[int] | None = None):
        self.officers = {o.id: o for o in sorted(officers, key=lambda o: o.id)}
        self.on_duty = on_duty_ids if on_duty_ids is not None else frozenset(
            o.id for o in self.officers.values() if o.on_duty(at))
        self.loads = {o.id: o.load for o in self.officers.values()}
        self._base: dict[tuple, tuple[list[int], dict[int, str], dict[str, list[int]]]] = {}
        self._weights: dict[int, int] = {}
        self._conflicts: dict[int, set[int]] = {}
        for officer in self.officers.values():
            for enterprise_id in officer.conflicted_enterprise_ids:
                self._conflicts.setdefault(enterprise_id, set()).add(officer.id)

    def _qualified(self, category: str, site_id: int | None):
        key = (category, site_id)
        if key not in self._base:
            kept, excluded = [], {}
            for officer in self.officers.values():
                if officer.id not in self.on_duty:
                    excluded[officer.id] = EXCLUDE_OFF_DUTY
                elif category and category not in officer.categories:
                    excluded[officer.id] = EXCLUDE_UNQUALIFIED_CATEGORY
                elif site_id is not None and site_id not in officer.site_ids:
                    excluded[officer.id] = EXCLUDE_UNQUALIFIED_SITE
                elif site_id is not None and officer.duty_site_ids is not None and site_id not in officer.duty_site_ids:
                    excluded[officer.id] = EXCLUDE_OFF_DUTY  # on duty, but at another site
                else:
                    kept.append(officer.id)
            grouped: dict[str, list[int]] = {}
            for officer_id, reason in excluded.items():
                grouped.setdefault(reason, []).append(officer_id)
            self._base[key] = (kept, excluded, grouped)
        return self._base[key]

    def _pick(self, category, site_id, enterprise_id, last_inspector_id):
        kept, _excluded, grouped = self._qualified(category, site_id)
        extra: dict[str, list[int]] = {}
        conflicted = self._conflicts.get(enterprise_id)
        if conflicted:
            ids = [i for i in kept if i not in conflicted]
            left = [i for i in kept if i in conflicted]
            if left:
                extra[EXCLUDE_CONFLICT] = left
        else:
            ids = kept
        if last_inspector_id is not None and len(ids) > 1 and last_inspector_id in ids:
            ids = [i for i in ids if i != last_inspector_id]
            extra[EXCLUDE_LAST_INSPECTOR] = [last_inspector_id]
        if not ids:
            return [], [], grouped, extra
        loads = self.loads
        officer_loads = [loads[i] for i in ids]
        min_load = min(officer_loads)
        cache = self._weights
        weights = []
        for load in officer_loads:
            excess = load - min_load
            weight = cache.get(excess)
            if weight is None:
                weight = cache[excess] = load_weight(excess, 0)
            weights.append(weight)
        return ids, weights, grouped, extra

    def candidates(self, *, category: str, site_id: int | None, enterprise_id: int,
                   last_inspector_id: int | None = None) -> tuple[list[dict], dict[int, str]]:
        """Canonical weighted candidates and {officer id: reason} for everyone left out."""
        ids, weights, _grouped, extra = self._pick(category, site_id, enterprise_id, last_inspector_id)
        excluded = dict(self._qualified(category, site_id)[1])
        for reason, left in extra.items():
            excluded.update(dict.fromkeys(left, reason))
        return [{"id": i, "weight": w} for i, w in zip(ids, weights, strict=True)], excluded

    def draw(self, seed: str, subject: str, *, category: str, site_id: int | None, enterprise_id: int,
             last_inspector_id: int | None = None) -> tuple[int | None, dict]:
        """Draw one officer. Returns the chosen id and the inputs as recorded: the candidates grouped by weight,
        the officers left out because of this enterprise ({reason: [ids]}) and how many were off duty or not
        qualified ({reason: count}; those follow from the calendars and qualifications, not from the draw)."""
        ids, weights, grouped, extra = self._pick(category, site_id, enterprise_id, last_inspector_id)
        if not ids:
            return None, {}
        by_weight: dict[int, list[int]] = {}
        for officer_id, weight in zip(ids, weights, strict=True):
            by_weight.setdefault(weight, []).append(officer_id)
        inputs = {"weights": {str(w): by_weight[w] for w in sorted(by_weight, reverse=True)}, "excluded": extra,
                  "not_eligible": {reason: len(v) for reason, v in grouped.items()}}
        return people_draw_ids(seed, subject, ids, weights).chosen, inputs

    def assign(self, officer_id: int) -> None:
        self.loads[officer_id] += 1


def eligible_candidates(
    officers: Iterable[OfficerSnapshot], *, at: datetime, category: str, site_id: int | None, enterprise_id: int,
    last_inspector_id: int | None = None,
) -> tuple[list[dict], dict[int, str]]:
    """The weighted candidates for one inspection and the reason each other officer was left out.

    On duty at ``at``, qualified for the category and the site, no declared conflict with the enterprise; the
    enterprise's last inspector is left out only when someone else remains.
    """
    return CandidatePool(officers, at=at).candidates(category=category, site_id=site_id, enterprise_id=enterprise_id,
                                                     last_inspector_id=last_inspector_id)


def rerun(kind: str, seed: str, subject: str, inputs: Mapping) -> dict:
    """Re-run a recorded draw from its stored inputs; returns the result in the stored form."""
    if kind == "object":
        result = object_draw(seed, subject, float(inputs["ratio"]))
        return {"selected": result.selected, "value": result.value}
    if kind == "people":
        candidates = ungroup(inputs["weights"]) if "weights" in inputs else inputs["candidates"]
        result = people_draw(seed, subject, candidates)
        return {"chosen": result.chosen}
    raise ValueError(f"unknown draw kind {kind!r}")


# --- A day's published record, checked (the public verifier and manage.py draw_verify) ---------------------------


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def day_record_check(record: Mapping) -> tuple[int, list[str]]:
    """Check one day's record as published (/public/draws/<day>.json): the seed against its commitment, the order
    commitment ≤ each draw < reveal, and every draw re-run. Returns how many draws were checked and the mismatches."""
    day, seed = record.get("day"), record.get("seed")
    if not seed:
        return 0, [f"{day}: the seed is not revealed yet"]
    problems = []
    if commitment_of(seed) != record.get("commitment"):
        problems.append(f"{day}: the revealed seed does not match the commitment published before the day")
    committed_at, revealed_at = _instant(record["committed_at"]), _instant(record["revealed_at"])
    checked = 0
    for draw in record.get("draws", []):
        checked += 1
        name = f"{day}: draw {draw.get('id', checked)} ({draw.get('subject')})"
        drawn_at = _instant(draw["drawn_at"])
        if drawn_at < committed_at:
            problems.append(f"{name}: drawn at {drawn_at.isoformat()}, before the seed was committed "
                            f"({committed_at.isoformat()})")
        if drawn_at >= revealed_at:
            problems.append(f"{name}: drawn at {drawn_at.isoformat()}, after the seed was revealed "
                            f"({revealed_at.isoformat()}): whoever drew knew the outcome")
        try:
            again = rerun(draw["kind"], seed, draw["subject"], draw["inputs"])
        except (KeyError, ValueError, TypeError) as exc:
            problems.append(f"{name}: inputs unreadable: {exc}")
            continue
        if draw["kind"] == "object" and again["selected"] != bool(draw["result"].get("selected")):
            problems.append(f"{name}: recorded selected={bool(draw['result'].get('selected'))}, "
                            f"re-run gives {again['selected']}")
        elif draw["kind"] == "people" and again["chosen"] != draw["result"].get("chosen"):
            problems.append(f"{name}: recorded inspector {draw['result'].get('chosen')}, "
                            f"re-run gives {again['chosen']}")
    return checked, problems


def _load(source: str) -> dict:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 - the address the user gave
            return json.load(response)
    with open(source, encoding="utf-8") as handle:
        return json.load(handle)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python3 verify.py DAY.json [MORE.json | URL ...]", file=sys.stderr)
        return 2
    problems = []
    for source in argv:
        try:
            record = _load(source)
        except (OSError, ValueError) as exc:
            problems.append(f"{source}: cannot read it: {exc}")
            continue
        checked, found = day_record_check(record)
        print(f"{record.get('day')}: {checked} draw(s), {'OK' if not found else f'{len(found)} MISMATCH(ES)'}")
        problems += found
    for problem in problems:
        print(f"MISMATCH {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
