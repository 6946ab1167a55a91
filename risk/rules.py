"""Rule conditions as data: validation, compilation and evaluation. No ``eval``; pure Python, no database.

A condition is ``{"field": F, "op": OP, "value": V}``; groups are ``{"all": [...]}`` or ``{"any": [...]}``
(nested freely); a bare list means ``all``. Fields are read from a context (a mapping) that describes one goods
line of a declaration together with its declaration and enterprise (see ``risk.context``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

STR, NUM, BOOL, SET = "str", "num", "bool", "set"

# field -> (type, description)
FIELDS = {
    "hs_code": (STR, "HS code of the goods line"),
    "hs_category": (STR, "commodity category of the HS code"),
    "origin_country": (STR, "country of origin of the goods line"),
    "departure_country": (STR, "country of departure"),
    "port": (STR, "port / office of entry"),
    "transport_mode": (STR, "transport mode"),
    "inspection_place": (STR, "inspection place"),
    "enterprise_grade": (STR, "credit grade of the declaring enterprise"),
    "value": (NUM, "value of the goods line"),
    "declaration_value": (NUM, "total value of the declaration"),
    "net_weight": (NUM, "net weight (kg) of the goods line"),
    "unit_price": (NUM, "unit price (value per kg)"),
    "unit_price_ratio": (NUM, "unit price divided by the commodity's historical median unit price"),
    "new_importer": (BOOL, "the enterprise has no earlier declaration"),
    "new_commodity_for_importer": (BOOL, "the enterprise never declared this HS6 commodity before"),
    "documents": (SET, "kinds of documents attached"),
}

OPS = {
    STR: {"eq", "ne", "in", "not_in", "prefix", "not_prefix"},
    NUM: {"gt", "gte", "lt", "lte", "between"},
    BOOL: {"eq"},
    SET: {"has", "lacks"},
}


def _as_list(value):
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def _err(message):
    return ValidationError({"conditions": [message]})


def _check_leaf(node):
    field, op, value = node.get("field"), node.get("op"), node.get("value")
    if field not in FIELDS:
        raise _err(_("Unknown field “%(field)s”. Known fields: %(known)s.")
                   % {"field": field, "known": ", ".join(sorted(FIELDS))})
    kind = FIELDS[field][0]
    if op not in OPS[kind]:
        raise _err(_("Unknown operator “%(op)s” for field “%(field)s”; allowed: %(ops)s.")
                   % {"op": op, "field": field, "ops": ", ".join(sorted(OPS[kind]))})
    if kind == NUM:
        try:
            if op == "between":
                low, high = (float(v) for v in value)
                if low > high:
                    raise _err(_("Field “%(field)s”: the band %(low)s–%(high)s is empty (contradictory).")
                               % {"field": field, "low": low, "high": high})
                value = [low, high]
            else:
                value = float(value)
        except (TypeError, ValueError):
            raise _err(_("Field “%(field)s”: operator “%(op)s” needs a number%(s)s.")
                       % {"field": field, "op": op, "s": _(" pair [low, high]") if op == "between" else ""}) from None
    elif kind == BOOL:
        if not isinstance(value, bool):
            raise _err(_("Field “%(field)s” needs true or false.") % {"field": field})
    else:
        values = _as_list(value) if value not in (None, "") else []
        if not values or any(v == "" for v in values):
            raise _err(_("Field “%(field)s”: operator “%(op)s” needs a value.") % {"field": field, "op": op})
        value = values
    return {"field": field, "op": op, "value": value}


def _contradiction(leaves):
    """A message if the leaves of one ``all`` group can never hold together."""
    by_field: dict[str, list] = {}
    for leaf in leaves:
        by_field.setdefault(leaf["field"], []).append(leaf)
    for field, items in by_field.items():
        kind = FIELDS[field][0]
        msg = _("Field “%(field)s”: the conditions contradict each other and can never match.") % {"field": field}
        if kind == NUM:
            low, high, low_strict, high_strict = float("-inf"), float("inf"), False, False
            for leaf in items:
                op, v = leaf["op"], leaf["value"]
                if op in ("gt", "gte") and (v > low or (v == low and op == "gt")):
                    low, low_strict = v, op == "gt"
                if op in ("lt", "lte") and (v < high or (v == high and op == "lt")):
                    high, high_strict = v, op == "lt"
                if op == "between":
                    if v[0] > low:
                        low, low_strict = v[0], False
                    if v[1] < high:
                        high, high_strict = v[1], False
            if low > high or (low == high and (low_strict or high_strict)):
                return msg
        elif kind == BOOL:
            if len({leaf["value"] for leaf in items}) > 1:
                return msg
        elif kind == STR:
            allowed = None
            excluded = set()
            prefixes = []
            for leaf in items:
                if leaf["op"] in ("eq", "in"):
                    allowed = set(leaf["value"]) if allowed is None else allowed & set(leaf["value"])
                elif leaf["op"] in ("ne", "not_in"):
                    excluded |= set(leaf["value"])
                elif leaf["op"] == "prefix":
                    prefixes.append(leaf["value"])
            if allowed is not None:
                allowed -= excluded
                for group in prefixes:
                    allowed = {a for a in allowed if any(a.startswith(p) for p in group)}
                if not allowed:
                    return msg
            for i, first in enumerate(prefixes):
                for second in prefixes[i + 1:]:
                    if not any(a.startswith(b) or b.startswith(a) for a in first for b in second):
                        return msg
        elif kind == SET:
            has = {v for leaf in items if leaf["op"] == "has" for v in leaf["value"]}
            lacks = {v for leaf in items if leaf["op"] == "lacks" for v in leaf["value"]}
            if has & lacks:
                return msg
    return None


def normalise(conditions) -> dict:
    """Validate ``conditions`` and return its normal form; raises ValidationError naming the field."""
    if isinstance(conditions, list):
        conditions = {"all": conditions}
    if not isinstance(conditions, dict):
        raise _err(_("Conditions must be an object with “all” or “any”, or a list of conditions."))

    def walk(node, depth=0):
        if depth > 8:
            raise _err(_("Conditions are nested too deeply."))
        if not isinstance(node, dict):
            raise _err(_("Each condition must be an object with field, op and value."))
        keys = set(node) & {"all", "any"}
        if keys:
            if len(node) != 1:
                raise _err(_("A group holds exactly one of “all” or “any”."))
            key = keys.pop()
            children = node[key]
            if not isinstance(children, list) or not children:
                raise _err(_("The group “%(key)s” needs a non-empty list of conditions.") % {"key": key})
            out = [walk(child, depth + 1) for child in children]
            if key == "all":
                message = _contradiction([c for c in out if "field" in c])
                if message:
                    raise _err(message)
            return {key: out}
        unknown = set(node) - {"field", "op", "value"}
        if unknown:
            raise _err(_("Unknown key(s) in a condition: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
        return _check_leaf(node)

    return walk(conditions)


def fields_used(conditions) -> set[str]:
    if "field" in conditions:
        return {conditions["field"]}
    out = set()
    for child in conditions.get("all", conditions.get("any", [])):
        out |= fields_used(child)
    return out


def chapters(conditions) -> frozenset[str] | None:
    """HS chapters a rule can match (from a top-level hs_code condition), or None for any chapter."""
    for leaf in conditions.get("all", []):
        if leaf.get("field") == "hs_code" and leaf["op"] in ("prefix", "eq", "in"):
            if all(len(v) >= 2 for v in leaf["value"]):
                return frozenset(v[:2] for v in leaf["value"])
    return None


def _leaf_match(leaf, ctx) -> bool:
    field, op, want = leaf["field"], leaf["op"], leaf["value"]
    have = ctx[field]
    if have is None:
        return op in ("ne", "not_in", "not_prefix")
    if op == "eq":
        return have == want if isinstance(want, bool) else str(have) in want
    if op == "in":
        return str(have) in want
    if op in ("ne", "not_in"):
        return str(have) not in want
    if op == "prefix":
        return str(have).startswith(tuple(want))
    if op == "not_prefix":
        return not str(have).startswith(tuple(want))
    if op == "gt":
        return have > want
    if op == "gte":
        return have >= want
    if op == "lt":
        return have < want
    if op == "lte":
        return have <= want
    if op == "between":
        return want[0] <= have <= want[1]
    if op == "has":
        return all(v in have for v in want)
    if op == "lacks":
        return any(v not in have for v in want)
    return False


def matches(conditions, ctx) -> bool:
    if "field" in conditions:
        return _leaf_match(conditions, ctx)
    if "all" in conditions:
        return all(matches(c, ctx) for c in conditions["all"])
    return any(matches(c, ctx) for c in conditions["any"])


@dataclass(frozen=True)
class CompiledRule:
    id: int
    code: str
    name: str
    conditions: dict
    add_score: float
    force_tier: str
    force_inspection: bool
    force_release_mode: str
    hold: bool
    valid_from: object = None
    valid_to: object = None
    bulletin_id: int | None = None

    def valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


class RuleIndex:
    """Active rules indexed by HS chapter; ``candidates(hs_code)`` gives the rules worth evaluating."""

    def __init__(self, rules: list[CompiledRule]):
        self.rules = rules
        self.by_chapter: dict[str, list[CompiledRule]] = {}
        self.generic: list[CompiledRule] = []
        for rule in rules:
            chs = chapters(rule.conditions)
            if chs is None:
                self.generic.append(rule)
            else:
                for ch in chs:
                    self.by_chapter.setdefault(ch, []).append(rule)
        self.fields = set().union(*(fields_used(r.conditions) for r in rules)) if rules else set()

    def candidates(self, hs_code: str) -> list[CompiledRule]:
        return self.by_chapter.get((hs_code or "")[:2], []) + self.generic

    def evaluate(self, line_contexts, day) -> list[CompiledRule]:
        """Rules matching any of the goods lines (each line context a mapping), in rule order, once each."""
        hits, seen = [], set()
        for ctx in line_contexts:
            for rule in self.candidates(ctx["hs_code"]):
                if rule.id in seen or not rule.valid_on(day):
                    continue
                if matches(rule.conditions, ctx):
                    hits.append(rule)
                    seen.add(rule.id)
        return hits
