from django.utils import translation

from declarations.templatetags.commodity import category_label, category_labels


def test_category_codes_are_shown_by_their_translated_names():
    with translation.override("zh-hans"):
        assert category_label("aquatic") == "水产品"
        assert category_labels(["meat", "toy"]) == "肉类, 玩具"
    with translation.override("en"):
        assert category_label("aquatic") == "Aquatic products"
    assert category_label("") == "" and category_label("unknown_code") == "unknown_code"
