from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from .messaging import message_send
from .models import MessageChannel, MessagePurpose


class DatePicker(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601: the picker reads no other format, so the Chinese
    locale's 2026/01/01 would leave it blank."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimePicker(forms.DateTimeInput):
    """The browser's date-and-time picker, with the ISO 8601 value it reads whatever the page's language."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class PasswordResetByMessageForm(PasswordResetForm):
    """Django's reset form, its mail sent as a delivery record (followed and sent again on the bureau's page)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        message_send(channel=MessageChannel.EMAIL, recipient=to_email, subject=subject,
                     body=render_to_string(email_template_name, context), purpose=MessagePurpose.PASSWORD_RESET,
                     reference=context["user"].get_username())


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Code from the authenticator app"), max_length=8, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}))


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Username"),
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


def errors_to_forms(exc: ValidationError, form, *, line_forms=(), line_field_prefix="lines") -> None:
    """Put a service's ValidationError onto the forms it came from: ``field`` next to ``form``'s field,
    ``lines.<i>.<field>`` next to the field of the i-th of ``line_forms`` (the forms whose data went to the service,
    in order); anything else (or a field the form does not have) above ``form``, as a non-field error."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for key, messages in errors.items():
        target_form, name = form, key
        if key and key.startswith(f"{line_field_prefix}.") and key.count(".") >= 2:
            _prefix, index, name = key.split(".", 2)
            if index.isdigit() and int(index) < len(line_forms):
                target_form = line_forms[int(index)]
        if name == "__all__" or name not in target_form.fields:
            name = None
        for message in messages:
            target_form.add_error(name, message)
