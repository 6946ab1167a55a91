"""Demo enterprises: two importers (A and B) and a customs broker, with their declarants."""

from ciq_portal.roles import Role
from ciq_portal.services import user_ensure

from .choices import EnterpriseKind
from .services import enterprise_ensure, membership_ensure

# Unified social credit codes with valid check characters (see validators.uscc_check_character).
ENTERPRISES = {
    "A": dict(uscc="91330200MA2H1B7X0N", name_zh="宁波海鲜进口贸易有限公司", name_en="Ningbo Seafood Import Trading Co., Ltd.",
              address="浙江省宁波市北仑区港城大道 88 号", kind=EnterpriseKind.IMPORTER),
    "B": dict(uscc="91330206MA2CL4X619", name_zh="甬城化妆品进出口有限公司", name_en="Yongcheng Cosmetics Import & Export Co., Ltd.",
              address="浙江省宁波市鄞州区天童南路 500 号", kind=EnterpriseKind.IMPORTER),
    "broker": dict(uscc="913302011440759636", name_zh="宁波港通报关有限公司", name_en="Ningbo Gangtong Customs Brokerage Co., Ltd.",
                   address="浙江省宁波市海曙区中山西路 12 号", kind=EnterpriseKind.CUSTOMS_BROKER),
}
DECLARANTS = [("declarant_a", "A", "晓明", "周"), ("declarant_b", "B", "丽", "吴")]


def seed(*, password: str, stdout) -> None:
    enterprises = {key: enterprise_ensure(actor=None, **fields) for key, fields in ENTERPRISES.items()}
    for username, key, first_name, last_name in DECLARANTS:
        user = user_ensure(username=username, password=password, role=Role.DECLARANT, first_name=first_name,
                           last_name=last_name)
        membership_ensure(user=user, enterprise=enterprises[key])
    stdout.write(f"  enterprises: {', '.join(e.name_zh for e in enterprises.values())}")
