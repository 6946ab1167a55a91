import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ciq_portal.forms import DatePicker
from credit.choices import CreditGrade
from declarations.choices import CommodityCategory, DocumentKind, InspectionPlace, ReleaseMode, TransportMode
from declarations.reference import COUNTRIES

from . import rules
from .choices import Hazard, Tier
from .models import RiskRule


class JSONTextField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 8, "class": "mono"})

    def prepare_value(self, value):
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, indent=2)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return {}
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Not valid JSON: look at line %(line)d, column %(column)d.")
                                        % {"line": exc.lineno, "column": exc.colno}) from exc


# The condition builder: one row per condition (field, operator, values), in the reader's language; it stores the
# same data as the JSON the engine reads (risk.rules).
FIELD_LABELS = {
    "hs_code": _("HS code"),
    "hs_category": _("Commodity category"),
    "origin_country": _("Country of origin"),
    "departure_country": _("Country of departure"),
    "port": _("Port / office of entry"),
    "transport_mode": _("Transport mode"),
    "inspection_place": _("Inspection place"),
    "enterprise_grade": _("Credit grade of the enterprise"),
    "value": _("Value of the goods line"),
    "declaration_value": _("Value of the declaration"),
    "net_weight": _("Net weight (kg)"),
    "unit_price": _("Unit price (value per kg)"),
    "unit_price_ratio": _("Unit price ÷ the commodity's usual unit price"),
    "new_importer": _("New importer"),
    "new_commodity_for_importer": _("Commodity new to the importer"),
    "documents": _("Documents attached"),
}
OP_LABELS = {
    "eq": _("is"), "ne": _("is not"), "in": _("is one of"), "not_in": _("is none of"),
    "prefix": _("starts with"), "not_prefix": _("does not start with"),
    "gt": _("more than"), "gte": _("at least"), "lt": _("less than"), "lte": _("at most"), "between": _("between"),
    "has": _("include"), "lacks": _("lack"),
}
# The reference tables a field's values come from (the declarations are checked against the same tables).
FIELD_CHOICES = {
    "hs_category": CommodityCategory,
    "transport_mode": TransportMode,
    "inspection_place": InspectionPlace,
    "enterprise_grade": CreditGrade,
    "documents": DocumentKind,
}
FIELD_VALUES = {
    "origin_country": COUNTRIES,
    "departure_country": COUNTRIES,
    **{name: frozenset(choices.values) for name, choices in FIELD_CHOICES.items()},
}
YES, NO = {"yes", "true", "1", "是"}, {"no", "false", "0", "否"}
SINGLE_VALUE_OPS = {"eq", "ne"}


class ConditionRowForm(forms.Form):
    """One condition; a row whose field is left empty is not a condition."""

    field = forms.ChoiceField(label=_("Field"), required=False,
                              choices=[("", "—"), *((name, FIELD_LABELS[name]) for name in rules.FIELDS)])
    op = forms.ChoiceField(label=_("Operator"), required=False, choices=[("", "—"), *OP_LABELS.items()])
    value = forms.CharField(label=_("Values"), required=False, max_length=500,
                            help_text=_("Several values: separate them with commas."))

    def clean(self):
        data = super().clean()
        field, op, raw = data.get("field"), data.get("op"), (data.get("value") or "").strip()
        if not field:
            return data
        kind = rules.FIELDS[field][0]
        if op not in rules.OPS[kind]:
            self.add_error("op", _("Choose one of: %(ops)s.")
                           % {"ops": "、".join(str(OP_LABELS[name]) for name in OP_LABELS if name in rules.OPS[kind])})
            return data
        value = self._value(field, kind, op, raw)
        if value is not None:
            data["condition"] = {"field": field, "op": op, "value": value}
        return data

    def _value(self, field, kind, op, raw):
        items = [item.strip() for item in raw.replace("，", ",").split(",") if item.strip()]
        if not items:
            self.add_error("value", _("Give a value."))
            return None
        if kind == rules.NUM:
            try:
                numbers = [float(item) for item in items]
            except ValueError:
                self.add_error("value", _("Give a number, e.g. 12000."))
                return None
            if op == "between":
                if len(numbers) != 2:
                    self.add_error("value", _("Give two numbers: low, high."))
                    return None
                return numbers
            if len(numbers) != 1:
                self.add_error("value", _("Give one number."))
                return None
            return numbers[0]
        if kind == rules.BOOL:
            answer = items[0].lower()
            if len(items) != 1 or answer not in YES | NO:
                self.add_error("value", _("Answer yes or no."))
                return None
            return answer in YES
        if field in FIELD_VALUES or field == "hs_code":
            items = [item.upper() for item in items]
        if op in SINGLE_VALUE_OPS and len(items) != 1:
            self.add_error("value", _("Give one value, or choose “is one of”."))
            return None
        if field == "hs_code" and any(not item.isdigit() for item in items):
            self.add_error("value", _("HS codes are digits, e.g. 0306."))
            return None
        unknown = [item for item in items if field in FIELD_VALUES and item not in FIELD_VALUES[field]]
        if unknown:
            self.add_error("value", _("Not in the reference table: %(values)s. Allowed: %(allowed)s.")
                           % {"values": ", ".join(unknown), "allowed": ", ".join(sorted(FIELD_VALUES[field]))[:300]})
            return None
        return items[0] if op in SINGLE_VALUE_OPS else items


# Examples of values, by field or by the field's type.
EXAMPLES = {"origin_country": "VN, AU", "departure_country": "VN, AU", "hs_code": "0306, 030617", "port": "NGB",
            rules.NUM: "12000", rules.BOOL: _("yes / no")}


def condition_guide() -> list[dict]:
    """Each field with its operators and, where a reference table gives them, its values (the form's guide)."""
    return [{"label": FIELD_LABELS[name], "ops": [OP_LABELS[op] for op in OP_LABELS if op in rules.OPS[kind]],
             "values": [f"{value} ({label})" for value, label in FIELD_CHOICES[name].choices]
             if name in FIELD_CHOICES else [],
             "example": EXAMPLES.get(name) or EXAMPLES.get(kind, "")}
            for name, (kind, _description) in rules.FIELDS.items()]

ConditionRowFormSet = forms.formset_factory(ConditionRowForm, extra=2, max_num=30, absolute_max=30)


def condition_rows(conditions) -> tuple[str, list[dict]] | None:
    """The builder's ``(match, rows)`` for stored ``conditions``, or None when they nest groups (JSON only)."""
    if isinstance(conditions, list):
        conditions = {"all": conditions}
    if not isinstance(conditions, dict) or len(conditions) != 1 or not ({"all", "any"} & set(conditions)):
        return None
    match = next(iter(conditions))
    leaves = conditions[match]
    if not isinstance(leaves, list) or any(not isinstance(leaf, dict) or "field" not in leaf for leaf in leaves):
        return None
    rows = []
    for leaf in leaves:
        value = leaf.get("value")
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, (list, tuple)):
            value = ", ".join(str(item) for item in value)
        rows.append({"field": leaf.get("field"), "op": leaf.get("op"), "value": value})
    return match, rows


class RuleForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=48)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=pgettext_lazy("rule", "Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    match = forms.ChoiceField(label=_("The rule matches a goods line when it meets"), initial="all", required=False,
                              choices=[("all", _("all of the conditions")), ("any", _("any of the conditions"))])
    conditions = JSONTextField(label=_("Conditions as JSON"), required=False, help_text=_(
        'Used when no condition row is filled, for groups within groups, e.g. {"all": [{"field": "hs_code", '
        '"op": "prefix", "value": ["0306"]}, {"any": [...]}]}'))
    add_score = forms.FloatField(label=_("Add to score"), initial=0)
    force_tier = forms.ChoiceField(label=_("Force tier"), required=False, choices=[("", "—"), *Tier.choices])
    force_inspection = forms.BooleanField(label=_("Force inspection"), required=False)
    force_release_mode = forms.ChoiceField(label=_("Force release mode"), required=False,
                                           choices=[("", "—"), *ReleaseMode.choices])
    hold = forms.BooleanField(label=_("Hold"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DatePicker())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DatePicker())

    def __init__(self, *args, rows_initial=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A post without the rows (a script's, or the JSON alone) is a rule written as JSON.
        rows_posted = self.is_bound and "cond-TOTAL_FORMS" in self.data
        self.rows = ConditionRowFormSet(self.data if rows_posted else None, prefix="cond", initial=rows_initial)

    @classmethod
    def for_rule(cls, rule: RiskRule, data=None):
        initial = {f: getattr(rule, f) for f in cls.base_fields if hasattr(rule, f)}
        built = condition_rows(rule.conditions)
        if built is not None:
            initial["match"], rows_initial = built[0], built[1]
            initial["conditions"] = ""
        else:
            rows_initial = None
        form = cls(data=data, initial=initial, rows_initial=rows_initial)
        form.fields["code"].disabled = True
        return form

    def clean(self):
        data = super().clean()
        if self.rows.is_bound and not self.rows.is_valid():
            raise forms.ValidationError(_("Correct the conditions marked below."))
        built = [row.cleaned_data["condition"] for row in self.rows
                 if self.rows.is_bound and row.cleaned_data.get("condition")]
        if built:
            data["conditions"] = {data.get("match") or "all": built}
        elif not data.get("conditions") and "conditions" not in self.errors:
            self.add_error("conditions", _("Add at least one condition."))
        data.pop("match", None)
        return data


class WhatIfForm(forms.Form):
    days = forms.IntegerField(label=_("Last N days"), min_value=1, max_value=365, initial=30)


class BulletinForm(forms.Form):
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    text_zh = forms.CharField(label=_("Text (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    text_en = forms.CharField(label=_("Text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    hazard = forms.ChoiceField(label=_("Hazard"), choices=Hazard.choices)
    hs_prefixes = forms.CharField(label=_("Commodities (HS prefixes, comma-separated)"), required=False)
    countries = forms.CharField(label=_("Countries (ISO codes, comma-separated)"), required=False)
    add_score = forms.FloatField(label=_("Add to score on match"), initial=15)
    valid_from = forms.DateField(label=_("Valid from"), widget=DatePicker())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DatePicker())
    rules = forms.ModelMultipleChoiceField(label=_("Linked rules"), required=False, queryset=RiskRule.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rules"].queryset = RiskRule.objects.exclude(status="retired")

    def clean_hs_prefixes(self):
        return [p.strip() for p in self.cleaned_data["hs_prefixes"].split(",") if p.strip()]

    def clean_countries(self):
        return [c.strip().upper() for c in self.cleaned_data["countries"].split(",") if c.strip()]

    @staticmethod
    def initial_for(bulletin):
        data = {f: getattr(bulletin, f) for f in ("title_zh", "title_en", "text_zh", "text_en", "hazard",
                                                   "add_score", "valid_from", "valid_to")}
        data["hs_prefixes"] = ", ".join(bulletin.hs_prefixes)
        data["countries"] = ", ".join(bulletin.countries)
        data["rules"] = list(bulletin.rules.all())
        return data
