"""Which kind of inspection site can take which goods (§5.4). Pure table, no database."""

SITE_GENERAL = "general"
SITE_DANGEROUS_GOODS = "dangerous_goods"
SITE_COLD_CHAIN = "cold_chain"
SITE_LIVE_ANIMALS = "live_animals"
# The category of goods a line declares dangerous (UN number or class), whatever their HS code.
DANGEROUS_GOODS_CATEGORY = "dangerous_goods"

# Commodity category (declarations.HSCode.category) -> the site kinds able to take it, best first.
CATEGORY_SITE_KINDS: dict[str, tuple[str, ...]] = {
    "dangerous_goods": (SITE_DANGEROUS_GOODS,),
    "chemical": (SITE_DANGEROUS_GOODS,),
    "meat": (SITE_COLD_CHAIN,),
    "aquatic": (SITE_COLD_CHAIN,),
    "dairy": (SITE_COLD_CHAIN, SITE_GENERAL),
    "live_animal": (SITE_LIVE_ANIMALS,),
}
DEFAULT_SITE_KINDS = (SITE_GENERAL,)


def site_kinds_for(category: str) -> tuple[str, ...]:
    return CATEGORY_SITE_KINDS.get(category or "", DEFAULT_SITE_KINDS)


# A dangerous-goods category outranks the others when a declaration mixes goods.
CATEGORY_PRECEDENCE = ("dangerous_goods", "chemical", "live_animal", "meat", "aquatic", "dairy")


def main_category(categories) -> str:
    categories = [c for c in categories if c]
    for category in CATEGORY_PRECEDENCE:
        if category in categories:
            return category
    return sorted(categories)[0] if categories else ""
