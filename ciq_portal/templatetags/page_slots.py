from django import template

from ciq_portal.page_slots import page_slot_render

register = template.Library()


@register.simple_tag(takes_context=True)
def page_slot(context, slot, obj):
    """``{% page_slot "declaration.actions" d %}``: what the apps above fill this page's slot with."""
    return page_slot_render(slot, request=context.get("request"), obj=obj, page_context=context.flatten())
