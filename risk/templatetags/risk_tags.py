import json

from django import template
from django.utils.text import capfirst
from django.utils.translation import gettext

from risk.selectors import bulletins_active

register = template.Library()


@register.filter
def risk_reason_label(reason: dict) -> str:
    """A risk reason's label in the reader's language: the model's factors are stored as English source strings
    (translated when shown); a rule's or bulletin's label is the analyst's own words, shown as written."""
    label = reason.get("label") or reason.get("code", "")
    if reason.get("kind") in ("rule", "bulletin"):
        return label
    return gettext(label)


def _points(weight) -> float:
    try:
        return float(weight)
    except (TypeError, ValueError):
        return 0.0


def reasons_in_words(reasons: list[dict]) -> dict:
    """An assessment's reasons as sentences in the reader's language, for people who act on them: what each rule or
    bulletin added to the 0–100 score, the learned model's part of it, and each of the model's factors with the
    direction it pushed and its share of the model's explanation (a percentage, never the raw log-odds)."""
    rules, model, factors = [], None, []
    for reason in reasons:
        kind, weight = reason.get("kind"), _points(reason.get("weight"))
        if kind == "model":
            model = {"points": round(weight)}
        elif kind == "model_factor":
            factors.append({"factor": capfirst(risk_reason_label(reason)), "raised": weight > 0, "size": abs(weight)})
        else:
            rules.append({"name": risk_reason_label(reason), "bulletin": kind == "bulletin", "points": round(weight)})
    total = sum(f["size"] for f in factors)
    for factor in factors:
        factor["share"] = round(100 * factor["size"] / total) if total else 0
    factors.sort(key=lambda f: -f["size"])
    return {"rules": rules, "model": model, "factors": factors}


@register.inclusion_tag("risk/_reasons_in_words.html")
def risk_reasons_in_words(reasons):
    """``{% risk_reasons_in_words assessment.reasons %}``: the reasons as sentences, each weight a share."""
    return reasons_in_words(reasons or [])


@register.inclusion_tag("risk/_active_bulletins.html")
def active_bulletins():
    """The active risk bulletins, for officers' home page: ``{% load risk_tags %}{% active_bulletins %}``."""
    return {"bulletins": list(bulletins_active()[:10])}


@register.filter
def as_json(value) -> str:
    """A rule's conditions as the analyst writes them in the form: JSON, indented."""
    return json.dumps(value, ensure_ascii=False, indent=2)
