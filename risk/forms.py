import json

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ciq_portal.forms import DatePicker
from declarations.choices import ReleaseMode

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
        except ValueError as exc:
            raise forms.ValidationError(_("Not valid JSON: %(error)s") % {"error": exc}) from exc


class RuleForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=48)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=pgettext_lazy("rule", "Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    conditions = JSONTextField(label=_("Conditions"), help_text=_(
        'JSON, e.g. {"all": [{"field": "hs_code", "op": "prefix", "value": ["0306"]}, '
        '{"field": "origin_country", "op": "in", "value": ["VN"]}]}'))
    add_score = forms.FloatField(label=_("Add to score"), initial=0)
    force_tier = forms.ChoiceField(label=_("Force tier"), required=False, choices=[("", "—"), *Tier.choices])
    force_inspection = forms.BooleanField(label=_("Force inspection"), required=False)
    force_release_mode = forms.ChoiceField(label=_("Force release mode"), required=False,
                                           choices=[("", "—"), *ReleaseMode.choices])
    hold = forms.BooleanField(label=_("Hold"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DatePicker())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DatePicker())

    @classmethod
    def for_rule(cls, rule: RiskRule, data=None):
        initial = {f: getattr(rule, f) for f in cls.base_fields}
        form = cls(data=data, initial=initial)
        form.fields["code"].disabled = True
        return form


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
