"""Slots in a lower app's page that the apps above it fill in.

The domain apps depend one way (ciq_portal ← credit ← declarations ← risk ← inspection ← release), yet a
declaration's page shows the next step of its release mode and the submit that runs the clearance pipeline, and an
inspection task's page posts its sample and conclusion to that pipeline. A page names its slots
(``{% page_slot "declaration.actions" d %}``); an app above fills one once, in its ``AppConfig.ready()``, with a
template and a function giving that template's context for the page's object, as NetBox's plugins add content to
its core pages. The page renders what was registered without importing who registered it."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class SlotContent:
    template: str
    # (request, obj) -> the template's context, or None where there is nothing to show for this object.
    context: Callable[..., dict | None]


_slots: dict[str, list[SlotContent]] = defaultdict(list)


def page_slot_fill(slot: str, *, template: str, context: Callable[..., dict | None]) -> None:
    content = SlotContent(template=template, context=context)
    if content not in _slots[slot]:
        _slots[slot].append(content)


def page_slot_render(slot: str, *, request, obj, page_context: dict) -> SafeString:
    """Each registered content of ``slot`` rendered with the page's context and its own, in registration order."""
    parts = []
    for content in _slots.get(slot, ()):
        own = content.context(request, obj)
        if own is not None:
            parts.append(render_to_string(content.template, {**page_context, **own}, request=request))
    # Each part is a template rendered with autoescaping.
    return mark_safe("".join(parts))
