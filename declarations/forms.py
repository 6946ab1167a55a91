"""The browser face's input parsing. Forms only parse types (text, dates, decimals, files); every business rule
(required fields, ISO codes, HS nomenclature, container check digits, plausible dates, lifecycle) lives in
validation.py / services.py. A service ValidationError is put back onto the form fields with
``ciq_portal.forms.errors_to_forms``."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ciq_portal.forms import DatePicker, check_as_you_type

from .choices import CommodityCategory, DangerousGoodsClass, DocumentKind, InspectionPlace, TransportMode
from .models import Registration

LINE_PREFIX = "lines"
# The id of the page's list of countries (places.country_datalist): type a name, get its ISO code.
COUNTRY_LIST = "iso-countries"
# The id of the page's list of ports (ports.port_datalist): type 宁波 or Ningbo, get NGB.
PORT_LIST = "ports"
# The id of the form's list of the enterprise's registered overseas manufacturers.
MANUFACTURER_LIST = "registered-manufacturers"
MAX_LINES = 200


def _text(label, *, max_length=None, placeholder="", initial=None, **attrs):
    widget_attrs = dict(attrs)
    if placeholder:
        widget_attrs["placeholder"] = placeholder
    return forms.CharField(label=label, required=False, max_length=max_length, strip=True, initial=initial,
                           widget=forms.TextInput(attrs=widget_attrs))


def _decimal(label):
    return forms.DecimalField(label=label, required=False, localize=False,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class DeclarationHeaderForm(forms.Form):
    """The header of a draft. Choices are offered with select widgets but checked by the service."""

    port_of_entry = _text(_("Port / office of entry"), max_length=16, placeholder="NGB", list=PORT_LIST)
    transport_mode = forms.CharField(label=_("Transport mode"), required=False,
                                     widget=forms.Select(choices=TransportMode.choices))
    vessel_voyage = _text(_("Vessel and voyage / flight"), max_length=64)
    bill_of_lading = _text(_("Bill of lading"), max_length=64)
    containers = _text(_("Containers"), placeholder="CSQU3054383")
    arrival_date = forms.DateField(label=_("Date of arrival"), required=False,
                                   widget=DatePicker())
    departure_country = _text(_("Country of departure"), max_length=2, placeholder="AU", list=COUNTRY_LIST)
    use_of_goods = _text(_("Use of goods"), max_length=64)
    inspection_place = forms.CharField(label=_("Inspection place"), required=False,
                                       widget=forms.Select(choices=InspectionPlace.choices))
    destination_office = _text(_("Destination office"), max_length=16)
    trade_terms = _text(_("Trade terms"), max_length=3, placeholder="CIF")

    def __init__(self, *args, importers=(), own_enterprise_id=None, **kwargs):
        """``importers``: the enterprises a customs broker's declarant may file for besides its own (a choice of
        the declaring enterprise is offered only then)."""
        super().__init__(*args, **kwargs)
        self.fields["containers"].help_text = _("ISO 6346 numbers separated by spaces or commas")
        self.fields["port_of_entry"].widget.attrs["required"] = True
        if importers:
            choices = [(own_enterprise_id, _("My enterprise")), *((e.pk, e.display_name) for e in importers)]
            self.fields = {"enterprise": forms.TypedChoiceField(
                label=_("Importer"), choices=choices, coerce=int, initial=own_enterprise_id,
                help_text=_("As a customs broker, file for an importer that delegated to your enterprise.")),
                **self.fields}

    @classmethod
    def initial_for(cls, declaration=None) -> dict:
        if declaration is None:
            return {"port_of_entry": settings.CIQ["OFFICE_CODE"], "transport_mode": TransportMode.SEA,
                    "inspection_place": InspectionPlace.PORT}
        initial = {name: getattr(declaration, name) for name in cls.base_fields}
        initial["containers"] = " ".join(declaration.containers or [])
        return initial

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("enterprise", None)
        data["transport_mode"] = data.get("transport_mode") or TransportMode.SEA
        data["inspection_place"] = data.get("inspection_place") or InspectionPlace.PORT
        return data


class GoodsLineForm(forms.Form):
    hs_code = _text(_("HS code"), max_length=13, inputmode="numeric")
    description = _text(pgettext_lazy("goods", "Description"), max_length=300)
    origin_country = _text(_("Country of origin"), max_length=2, placeholder="AU", list=COUNTRY_LIST)
    quantity = _decimal(_("Quantity"))
    unit = _text(_("Unit"), max_length=16, placeholder="kg")
    net_weight_kg = _decimal(_("Net weight (kg)"))
    gross_weight_kg = _decimal(_("Gross weight (kg)"))
    value = _decimal(_("Value"))
    currency = _text(_("Currency"), max_length=3, initial="USD")
    manufacturer_name = _text(_("Manufacturer"), max_length=200)
    lot_numbers = _text(_("Lot numbers"), max_length=200)
    un_number = _text(_("UN number (dangerous goods)"), max_length=8, placeholder="UN1203")
    dg_class = forms.ChoiceField(label=_("Dangerous-goods class"), required=False,
                                 choices=[("", "—")] + list(DangerousGoodsClass.choices))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_as_you_type(self.fields["manufacturer_name"], url=reverse("declarations:manufacturer_check"),
                          choices_list=MANUFACTURER_LIST, include="closest fieldset")

    def is_blank(self) -> bool:
        """A row the user left empty (the currency default alone does not count)."""
        data = getattr(self, "cleaned_data", None) or {}
        return not any(value not in (None, "") for name, value in data.items() if name != "currency")


class BaseGoodsLineFormSet(forms.BaseFormSet):
    def lines(self) -> tuple[list[dict], list[GoodsLineForm]]:
        """The non-blank lines in order (what the service gets) and the form each came from (for errors)."""
        used = [form for form in self.forms if form.is_valid() and not form.is_blank()]
        return [{**form.cleaned_data, "currency": form.cleaned_data.get("currency") or "USD"} for form in used], used


GoodsLineFormSet = forms.formset_factory(GoodsLineForm, formset=BaseGoodsLineFormSet, extra=0, max_num=MAX_LINES,
                                         validate_max=True, absolute_max=MAX_LINES)


def line_initial(declaration=None) -> list[dict]:
    """The rows a form starts with: the draft's lines, or one empty row (its currency defaults to USD)."""
    if declaration is None:
        return [{}]
    names = GoodsLineForm.base_fields
    return [{name: getattr(line, name) for name in names} for line in declaration.lines.order_by("line_no")] or [{}]


def line_formset(data=None, initial=None):
    """The goods-line formset; a POST without a management form (an old client) is read by its row numbers."""
    if data is not None and f"{LINE_PREFIX}-TOTAL_FORMS" not in data:
        data = data.copy()
        indices = [int(key.split("-")[1]) for key in data if key.startswith(f"{LINE_PREFIX}-") and
                   key.split("-")[1].isdigit()]
        data[f"{LINE_PREFIX}-TOTAL_FORMS"] = str(max(indices) + 1 if indices else 0)
        data[f"{LINE_PREFIX}-INITIAL_FORMS"] = "0"
    return GoodsLineFormSet(data, initial=initial if data is None else None, prefix=LINE_PREFIX)


# --- small action forms ---------------------------------------------------------------------------------------

class MessageForm(forms.Form):
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    message = forms.CharField(label=_("Your answer"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RequestDocumentsForm(MessageForm):
    kinds = forms.MultipleChoiceField(label=_("Documents asked for"), required=False, choices=DocumentKind.choices,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The choice is checked by the service; accept any posted value here.
        self.fields["kinds"].valid_value = lambda value: True


class DocumentUploadForm(forms.Form):
    kind = forms.CharField(label=_("Document type"), required=False,
                           widget=forms.Select(choices=DocumentKind.choices))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"), required=False,
                           widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))


DOCUMENT_PREFIX = "documents"
MAX_DOCUMENTS_WITH_DRAFT = 20


class BaseDocumentFormSet(forms.BaseFormSet):
    def documents(self) -> tuple[list[dict], list[DocumentUploadForm]]:
        """The rows with a file (what the service gets) and the form each came from (for errors)."""
        used = [form for form in self.forms if form.is_valid() and form.cleaned_data.get("file")]
        return [dict(form.cleaned_data) for form in used], used


DocumentFormSet = forms.formset_factory(DocumentUploadForm, formset=BaseDocumentFormSet, extra=0,
                                        max_num=MAX_DOCUMENTS_WITH_DRAFT, validate_max=True,
                                        absolute_max=MAX_DOCUMENTS_WITH_DRAFT)


def document_formset(data=None, files=None):
    """The documents attached with a draft from its form: one empty row to start with, as many as the user adds;
    a row without a file is skipped."""
    if data is not None and f"{DOCUMENT_PREFIX}-TOTAL_FORMS" not in data:
        data = {f"{DOCUMENT_PREFIX}-TOTAL_FORMS": "0", f"{DOCUMENT_PREFIX}-INITIAL_FORMS": "0"}  # none posted
    return DocumentFormSet(data, files, initial=None if data is not None else [{}], prefix=DOCUMENT_PREFIX)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}))
    skip_invalid = forms.BooleanField(label=_("Import the valid declarations and skip invalid rows"), required=False)


class RegistrationApplyForm(forms.Form):
    kind = forms.CharField(label=_("Kind"), required=False, widget=forms.Select(choices=Registration.KIND_CHOICES))
    manufacturer_name = _text(_("Manufacturer name"), max_length=200)
    registration_number = _text(_("Registration number"), max_length=64)
    categories = forms.MultipleChoiceField(label=_("Scope (commodity categories)"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    valid_from = forms.DateField(label=_("Valid from"), widget=DatePicker())
    valid_until = forms.DateField(label=_("Valid until"), widget=DatePicker())
    note = _text(_("Note"), max_length=300)
    file = forms.FileField(label=_("Document (PDF, JPEG or PNG)"), required=False,
                           widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
                           help_text=_("For example the business licence, the registration certificate of the "
                                       "manufacturer or a statement of the scope. More can be added later."))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = list(categories)
        self.fields["manufacturer_name"].help_text = _("As written on the goods lines; required for a manufacturer "
                                                       "registration.")


class RegistrationDecideForm(forms.Form):
    note = _text(_("Note"), max_length=300)



class RegistrationDocumentForm(forms.Form):
    title = _text(_("Title"), max_length=200)
    file = forms.FileField(label=_("Document (PDF, JPEG or PNG)"), required=False,
                           widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))


class DocumentRequirementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document type"), choices=DocumentKind.choices)
    hs_prefix = _text(_("HS code prefix"), max_length=10, inputmode="numeric")
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", "—")] + list(CommodityCategory.choices))
    note = _text(_("Note"), max_length=200)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DatePicker())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DatePicker())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hs_prefix"].help_text = _("Goods are named by an HS code prefix or by a category.")


class HSCodeForm(forms.Form):
    code = _text(_("HS code"), max_length=10, inputmode="numeric")
    name_zh = _text(_("Name (Chinese)"), max_length=300)
    name_en = _text(_("Name (English)"), max_length=300)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", "—")] + list(CommodityCategory.choices))
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DatePicker())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DatePicker())


class PortForm(forms.Form):
    code = _text(_("Office code"), max_length=16, placeholder="NGB")
    locode = _text(_("UN/LOCODE"), max_length=5, placeholder="CNNGB")
    name_zh = _text(_("Name (Chinese)"), max_length=100, placeholder="宁波")
    name_en = _text(_("Name (English)"), max_length=100, placeholder="Ningbo")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _("The code declarations give as their port / office of entry.")


class HSEditionForm(forms.Form):
    name = _text(_("Edition"), max_length=64, placeholder="HS 2027")
    effective_from = forms.DateField(label=_("Effective from"), widget=DatePicker())
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Columns: code, name_zh, name_en, category. The whole table: codes it "
                                          "lacks end the day before the edition takes effect.")
