import pytest
from django.core.exceptions import ValidationError

from risk.rules import CompiledRule, RuleIndex, chapters, matches, normalise

CTX = {"hs_code": "0306170000", "origin_country": "VN", "departure_country": "HK", "port": "NGB",
       "transport_mode": "sea", "enterprise_grade": "B", "value": 12000.0, "unit_price": 2.5,
       "unit_price_ratio": 0.2, "new_importer": True, "new_commodity_for_importer": False,
       "documents": {"invoice"}, "declaration_value": 12000.0, "net_weight": 4800.0}


@pytest.mark.parametrize("condition, expected", [
    ({"field": "hs_code", "op": "prefix", "value": ["0306"]}, True),
    ({"field": "hs_code", "op": "prefix", "value": ["03061", "0307"]}, True),
    ({"field": "hs_code", "op": "not_prefix", "value": ["03"]}, False),
    ({"field": "origin_country", "op": "in", "value": ["VN", "TH"]}, True),
    ({"field": "origin_country", "op": "eq", "value": "TH"}, False),
    ({"field": "departure_country", "op": "not_in", "value": ["VN"]}, True),
    ({"field": "port", "op": "eq", "value": "NGB"}, True),
    ({"field": "transport_mode", "op": "eq", "value": "air"}, False),
    ({"field": "enterprise_grade", "op": "in", "value": ["C", "D"]}, False),
    ({"field": "value", "op": "gt", "value": 10000}, True),
    ({"field": "value", "op": "between", "value": [0, 5000]}, False),
    ({"field": "unit_price", "op": "lte", "value": 2.5}, True),
    ({"field": "unit_price_ratio", "op": "lt", "value": 0.3}, True),
    ({"field": "new_importer", "op": "eq", "value": True}, True),
    ({"field": "new_commodity_for_importer", "op": "eq", "value": True}, False),
    ({"field": "documents", "op": "lacks", "value": ["health_certificate"]}, True),
    ({"field": "documents", "op": "has", "value": ["invoice"]}, True),
    ({"all": [{"field": "hs_code", "op": "prefix", "value": ["0306"]},
              {"field": "origin_country", "op": "in", "value": ["VN"]}]}, True),
    ({"all": [{"field": "hs_code", "op": "prefix", "value": ["0306"]},
              {"any": [{"field": "origin_country", "op": "in", "value": ["TH"]},
                       {"field": "enterprise_grade", "op": "eq", "value": "D"}]}]}, False),
    ({"any": [{"field": "origin_country", "op": "in", "value": ["TH"]},
              {"field": "new_importer", "op": "eq", "value": True}]}, True),
])
def test_rule_evaluation_table(condition, expected):
    assert matches(normalise(condition if "field" not in condition else [condition]), CTX) is expected


def test_missing_value_only_matches_negative_operators():
    ctx = {**CTX, "unit_price_ratio": None}
    assert not matches(normalise([{"field": "unit_price_ratio", "op": "lt", "value": 0.3}]), ctx)
    assert matches(normalise([{"field": "origin_country", "op": "ne", "value": "XX"}]), {**ctx, "origin_country": None})


@pytest.mark.parametrize("conditions, field_in_message", [
    ([{"field": "colour", "op": "eq", "value": "red"}], "colour"),
    ([{"field": "origin_country", "op": "like", "value": "V%"}], "like"),
    ([{"field": "value", "op": "gt", "value": "lots"}], "value"),
    ([{"field": "value", "op": "gt", "value": 100}, {"field": "value", "op": "lt", "value": 50}], "value"),
    ([{"field": "value", "op": "between", "value": [10, 5]}], "value"),
    ([{"field": "origin_country", "op": "in", "value": ["VN"]},
      {"field": "origin_country", "op": "eq", "value": "TH"}], "origin_country"),
    ([{"field": "hs_code", "op": "prefix", "value": ["0306"]},
      {"field": "hs_code", "op": "prefix", "value": ["0402"]}], "hs_code"),
    ([{"field": "new_importer", "op": "eq", "value": True},
      {"field": "new_importer", "op": "eq", "value": False}], "new_importer"),
    ([{"field": "documents", "op": "has", "value": ["invoice"]},
      {"field": "documents", "op": "lacks", "value": ["invoice"]}], "documents"),
    ([{"field": "origin_country", "op": "in", "value": []}], "origin_country"),
])
def test_bad_rules_are_refused_naming_the_field(conditions, field_in_message):
    with pytest.raises(ValidationError) as err:
        normalise(conditions)
    assert field_in_message in " ".join(err.value.message_dict["conditions"])


def test_index_by_chapter():
    def rule(i, conds):
        return CompiledRule(i, f"r{i}", f"r{i}", normalise(conds), 5, "", False, "", False)

    r1 = rule(1, [{"field": "hs_code", "op": "prefix", "value": ["0306", "0307"]}])
    r2 = rule(2, [{"field": "hs_code", "op": "prefix", "value": ["3304"]}])
    r3 = rule(3, [{"field": "origin_country", "op": "in", "value": ["VN"]}])
    index = RuleIndex([r1, r2, r3])
    assert chapters(r1.conditions) == {"03"}
    assert [r.code for r in index.candidates("0306170000")] == ["r1", "r3"]
    assert [r.code for r in index.candidates("3304990000")] == ["r2", "r3"]
    assert [r.code for r in index.evaluate([CTX], day=__import__("datetime").date(2026, 1, 1))] == ["r1", "r3"]
