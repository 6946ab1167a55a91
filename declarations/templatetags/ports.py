"""``{{ declaration.port_of_entry|port_label }}``: 宁波 (CNNGB) in Chinese, Ningbo (CNNGB) in English;
``{% port_datalist %}`` offers the ports as suggestions for a code field (``list="ports"``)."""

from django import template

from .. import ports

register = template.Library()

port_label = register.filter("port_label", ports.port_label)


@register.inclusion_tag("declarations/_port_datalist.html")
def port_datalist(list_id="ports"):
    return {"list_id": list_id, "ports": ports.port_choices()}
