from django import forms
from django.utils.translation import gettext_lazy as _

from ciq_portal.forms import DatePicker, DateTimePicker
from ciq_portal.models import User
from ciq_portal.roles import Role
from declarations.choices import CommodityCategory

from .choices import Conclusion, Disposition, LabKind, SiteCapability, SiteDangerousGoodsClass, SiteKind, Weekday
from .models import InspectionSite, Lab, OfficerProfile, TestItem, TestReport


class FindingsForm(forms.Form):
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class PhotoForm(forms.Form):
    image = forms.ImageField(label=_("Photo"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/*", "capture": "environment"}))
    caption = forms.CharField(label=_("Caption"), max_length=200, required=False)


class SampleForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=200)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=12, decimal_places=3)
    unit = forms.CharField(label=_("Unit"), max_length=16, initial="kg")
    seal_no = forms.CharField(label=_("Seal number"), max_length=32)


class CustodyForm(forms.Form):
    action = forms.CharField(label=_("Action"), max_length=32)
    holder = forms.CharField(label=_("Now held by"), max_length=120)
    seal_intact = forms.BooleanField(label=_("Seal intact"), required=False, initial=True)


class LabOrderForm(forms.Form):
    sample = forms.ChoiceField(label=_("Sample"))
    lab = forms.ModelChoiceField(label=_("Laboratory"), queryset=Lab.objects.all())
    test_items = forms.CharField(label=_("Test items (comma separated)"), max_length=500)

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sample"].choices = [(s.pk, s.sample_no) for s in task.samples.all()] if task else []
        items = [(item.code, f"{item.display_name} ({item.unit})") for item in TestItem.objects.filter(active=True)]
        if items:  # the limits table's items are picked; typed only while the bureau keeps no table
            self.fields["test_items"] = forms.MultipleChoiceField(label=_("Test items"), choices=items,
                                                                  widget=forms.CheckboxSelectMultiple)

    def clean_test_items(self):
        items = self.cleaned_data["test_items"]
        if isinstance(items, list):
            return items
        return [item.strip() for item in items.split(",") if item.strip()]


class ConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=Conclusion.choices, widget=forms.RadioSelect)
    disposition = forms.ChoiceField(label=_("Disposition (non-conform only)"),
                                    choices=[("", "—")] + list(Disposition.choices), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConfidentialForm(forms.Form):
    """Keep the declaration out of the public record (with the reason), or publish it again."""

    action = forms.ChoiceField(choices=[("mark", "mark"), ("unmark", "unmark")], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class ReassignForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = User.objects.filter(groups__name=Role.OFFICER,
                                                              officer_profile__isnull=False).order_by("username")


class LabStatusForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class JointScheduleForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=InspectionSite.objects.filter(active=True))
    appointment_at = forms.DateTimeField(label=_("Appointment"),
                                         widget=DateTimePicker())


# --- Staff ----------------------------------------------------------------------------------------------------------


class TimePicker(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class OfficerForm(forms.Form):
    badge_no = forms.CharField(label=_("Staff number"), max_length=16)
    username = forms.CharField(label=_("User name"), max_length=150,
                               help_text=_("An existing account gains the officer role; a new one is created."))
    family_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(label=_("Initial password"), required=False, widget=forms.PasswordInput,
                               help_text=_("Leave empty: the officer sets a password through the reset by e-mail."))
    categories = forms.MultipleChoiceField(label=_("Goods qualifications"), choices=CommodityCategory.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple)
    sites = forms.ModelMultipleChoiceField(label=_("Sites"), queryset=InspectionSite.objects.filter(active=True),
                                           required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["username"], self.fields["password"]


class OfficerActiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class RosterPatternForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=OfficerProfile.objects.filter(
        active=True).select_related("user"))
    site = forms.ModelChoiceField(label=_("Site"), queryset=InspectionSite.objects.filter(active=True))
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("Starts at"), widget=TimePicker())
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimePicker(),
                              help_text=_("At or before the start: the shift ends the next day."))
    valid_from = forms.DateField(label=_("Valid from"), widget=DatePicker())
    valid_until = forms.DateField(label=_("Valid until"), widget=DatePicker(), required=False)


class ExtraShiftForm(forms.Form):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=OfficerProfile.objects.filter(
        active=True).select_related("user"))
    site = forms.ModelChoiceField(label=_("Site"), queryset=InspectionSite.objects.filter(active=True))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimePicker())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimePicker())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DutyCancelForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DatePicker())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class LeaveRequestForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DatePicker())
    last_day = forms.DateField(label=_("Last day"), widget=DatePicker())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class LeaveDecisionForm(forms.Form):
    note = forms.CharField(label=_("Note (required to refuse)"), max_length=300, required=False)


class ConflictForm(forms.Form):
    enterprise = forms.CharField(label=_("Enterprise"), max_length=200,
                                 help_text=_("Its unified social credit code or its exact name."))
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))
class SiteForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16)
    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteKind.choices)
    port = forms.CharField(label=_("Port"), max_length=16, required=False)
    capacity_per_day = forms.IntegerField(label=_("Capacity per day"), min_value=0)
    capabilities = forms.MultipleChoiceField(label=_("Capabilities"), choices=SiteCapability.choices, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    dg_classes = forms.MultipleChoiceField(label=_("Dangerous-goods classes"), choices=SiteDangerousGoodsClass.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple,
                                           help_text=_("None ticked: a dangerous-goods site takes every class."))
    opens_at = forms.TimeField(label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class SiteCloseForm(forms.Form):
    first_day = forms.DateField(label=_("First day"), widget=DatePicker())
    last_day = forms.DateField(label=_("Last day"), widget=DatePicker())
    reason = forms.CharField(label=_("Reason"), max_length=300)


class TestItemForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=120)
    name_en = forms.CharField(label=_("Name in English"), max_length=120, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=16)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class TestLimitForm(forms.Form):
    category = forms.ChoiceField(label=_("Commodity category"), choices=CommodityCategory.choices)
    limit_min = forms.DecimalField(label=_("Lower limit"), max_digits=16, decimal_places=6, required=False)
    limit_max = forms.DecimalField(label=_("Upper limit"), max_digits=16, decimal_places=6, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=16)
    valid_from = forms.DateField(label=_("Valid from"), widget=DatePicker())
    basis = forms.CharField(label=_("Legal basis"), max_length=120, required=False)


class TestLimitImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"), help_text=_(
        "Columns: item, category, limit_min, limit_max, unit, valid_from, basis. Each row is a new version of that "
        "item's limit for that category."))


class LabForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=LabKind.choices)
    accreditation_no = forms.CharField(label=_("Accreditation number"), max_length=32)
    valid_from = forms.DateField(label=_("Accredited from"), widget=DatePicker())
    valid_until = forms.DateField(label=_("Accreditation expires"), widget=DatePicker())
    scope_categories = forms.MultipleChoiceField(label=_("Scope: commodity categories"), required=False,
                                                 choices=CommodityCategory.choices,
                                                 widget=forms.CheckboxSelectMultiple)
    scope_test_items = forms.CharField(label=_("Scope: test items (comma separated)"), max_length=1000,
                                       required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        items = [(item.code, f"{item.display_name} ({item.unit})") for item in TestItem.objects.filter(active=True)]
        if items:  # the scope is picked from the limits table's items once the bureau keeps one
            self.fields["scope_test_items"] = forms.MultipleChoiceField(
                label=_("Scope: test items"), choices=items, required=False, widget=forms.CheckboxSelectMultiple)
        elif isinstance(self.initial.get("scope_test_items"), list):
            self.initial["scope_test_items"] = ", ".join(self.initial["scope_test_items"])

    def clean_scope_test_items(self):
        items = self.cleaned_data["scope_test_items"]
        if isinstance(items, list):
            return items
        return [item.strip() for item in items.split(",") if item.strip()]


class LabRetestForm(forms.Form):
    report = forms.ModelChoiceField(label=_("Test report"), queryset=None)
    test_item = forms.CharField(label=_("Test item"), max_length=64)
    bureau_value = forms.DecimalField(label=_("Bureau's result"), max_digits=16, decimal_places=6)

    def __init__(self, *args, lab=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = lab.reports.order_by("-issued_on", "-id") if lab else TestReport.objects.none()


class LabPolicyForm(forms.Form):
    disagreement_limit = forms.IntegerField(label=_("Disagreements before suspension"), min_value=1, max_value=100)
    window_days = forms.IntegerField(label=_("Counted over (days)"), min_value=1, max_value=3650)
    tolerance = forms.DecimalField(label=_("Relative tolerance of a re-test"), max_digits=6, decimal_places=4,
                                   help_text=_("0.10: the bureau's result may differ from the laboratory's by a "
                                               "tenth of the larger value."))
