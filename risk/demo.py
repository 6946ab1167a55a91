"""Demo data: a few active rules, one published bulletin with its linked rule, and a trained model.

The model is trained at seed time from the public KCS training file (one training on the earlier 80 % of the
rows, measured on the later 20 %: about 5–15 s on 2 cores, under the 60 s budget even on a loaded machine) so
nothing binary is shipped in the repository. The file is CIQ_KCS_TRAIN_FILE when set, else df_syn_train_eng.csv in
settings.KCS_DATA_DIR (the KCS_DATA_DIR environment variable);
without it the demo has rules and a bulletin but no model (train later with `manage.py risk_train`).
"""

import os
from datetime import date
from pathlib import Path

from django.conf import settings

from ciq_portal.models import User

from .choices import BulletinStatus, Hazard, RuleStatus
from .models import RiskBulletin, RiskModel, RiskRule
from .services import bulletin_create, bulletin_publish, model_activate, model_register, rule_activate, rule_create
from .training import train_from_kcs

RULES = [
    dict(code="aquatic-vn-residues", name="Aquatic products from Viet Nam: veterinary drug residues",
         conditions={"all": [{"field": "hs_code", "op": "prefix", "value": ["0306", "0307"]},
                             {"field": "origin_country", "op": "in", "value": ["VN"]}]},
         add_score=20, force_release_mode="sample"),
    dict(code="cosmetics-new-importer", name="Cosmetics declared by a new importer",
         conditions={"all": [{"field": "hs_code", "op": "prefix", "value": ["3304"]},
                             {"field": "new_importer", "op": "eq", "value": True}]},
         add_score=15),
    dict(code="grade-d-inspect", name="Dishonest enterprise (grade D): inspect",
         conditions={"all": [{"field": "enterprise_grade", "op": "in", "value": ["D"]}]},
         add_score=10, force_tier="high", force_inspection=True),
    dict(code="undervalued", name="Unit price below 30 % of the commodity's history",
         conditions={"all": [{"field": "unit_price_ratio", "op": "lt", "value": 0.3}]}, add_score=20),
    dict(code="meat-no-health-cert", name="Meat without a health certificate: hold",
         conditions={"all": [{"field": "hs_code", "op": "prefix", "value": ["02"]},
                             {"field": "documents", "op": "lacks", "value": ["health_certificate"]}]},
         add_score=10, hold=True),
]
BULLETIN_RULE = dict(code="asf-pork-supervised", name="African swine fever: pork products, supervised release",
                     conditions={"all": [{"field": "hs_code", "op": "prefix", "value": ["0203", "0206", "1601"]},
                                         {"field": "origin_country", "op": "in", "value": ["BE", "PL", "DE"]}]},
                     add_score=25, force_release_mode="supervised", force_inspection=True)


def _train_file():
    candidates = [os.environ.get("CIQ_KCS_TRAIN_FILE"), settings.KCS_DATA_DIR / "df_syn_train_eng.csv"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def seed(*, password, stdout):
    analyst = User.objects.filter(username="analyst").first()
    # Four eyes: the analyst asks, the supervisor approves.
    supervisor = User.objects.filter(username="supervisor").first()
    for spec in RULES:
        if not RiskRule.objects.filter(code=spec["code"]).exists():
            rule = rule_create(actor=analyst, **spec)
            rule_activate(rule=rule, actor=analyst)
            rule_activate(rule=rule, actor=supervisor)
    stdout.write(f"  risk rules: {RiskRule.objects.filter(status=RuleStatus.ACTIVE).count()} active")
    if not RiskBulletin.objects.filter(title_en__startswith="African swine fever").exists():
        rule = RiskRule.objects.filter(code=BULLETIN_RULE["code"]).first() or rule_create(actor=analyst,
                                                                                         **BULLETIN_RULE)
        bulletin = bulletin_create(
            actor=analyst, rules=[rule], title_zh="关于防止非洲猪瘟传入的警示通报",
            title_en="African swine fever: preventing its introduction",
            text_zh="比利时、波兰、德国发生非洲猪瘟疫情。对来自上述国家的猪肉及其制品实施监管放行并100%查验。",
            text_en="Outbreaks of African swine fever in Belgium, Poland and Germany. Pork and pork products "
                    "from these countries: supervised release and 100 % inspection.",
            hazard=Hazard.ANIMAL_DISEASE, hs_prefixes=["0203", "0206", "1601"], countries=["BE", "PL", "DE"],
            add_score=15, valid_from=date(2026, 1, 1))
        bulletin_publish(bulletin=bulletin, actor=analyst)
    stdout.write(f"  risk bulletins: {RiskBulletin.objects.filter(status=BulletinStatus.PUBLISHED).count()} "
                 "published")
    if RiskModel.objects.filter(is_active=True).exists():
        stdout.write("  risk model: already active")
        return
    path = _train_file()
    if path is None:
        stdout.write("  risk model: KCS training file not found; train later with manage.py risk_train")
        return
    # One training (the earlier 80 % of 2020, measured on the later 20 %) keeps the seed well under a minute.
    result = train_from_kcs(path, final_on_all=False)
    row = model_register(result=result, source=f"kcs:{path.name}", actor=analyst, name="demo lightgbm")
    model_activate(model=row, actor=analyst)
    model_activate(model=row, actor=supervisor)
    held = result["held_out"]
    stdout.write(f"  risk model: {row.version} trained in {result['seconds']} s "
                 f"(held-out precision@5% {held.get('precision_5', 0):.3f})")
