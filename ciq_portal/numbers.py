"""Decimal input bound for a database column: finite, within the column's digits and places, never rounded.

``Decimal`` accepts ``NaN``, ``Infinity`` and any exponent; the database does not (PostgreSQL answers "numeric field
overflow", a comparison with NaN raises). Every service that stores a number a client typed parses it here first.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NumberError(ValueError):
    """Why a text is not a number for its column: ``"invalid"``, ``"digits"`` (too large) or ``"places"``."""

    def __init__(self, reason: str, *, max_integer_digits: int = 0, decimal_places: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.max_integer_digits = max_integer_digits
        self.decimal_places = decimal_places


def column_decimal(value, *, max_digits: int, decimal_places: int) -> Decimal | None:
    """``value`` (text, int, float or Decimal; empty is None) as a Decimal the column stores exactly."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise NumberError("invalid")
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise NumberError("invalid") from None
    if not number.is_finite():
        raise NumberError("invalid")
    max_integer_digits = max_digits - decimal_places
    # Read the digits without a decimal context: a huge exponent would overflow one.
    sign, digits, exponent = number.as_tuple()
    significant = list(digits)
    while exponent < 0 and len(significant) > 1 and significant[-1] == 0:
        significant.pop()
        exponent += 1
    if any(significant) and number.adjusted() >= max_integer_digits:
        raise NumberError("digits", max_integer_digits=max_integer_digits, decimal_places=decimal_places)
    if any(significant) and -exponent > decimal_places:
        raise NumberError("places", max_integer_digits=max_integer_digits, decimal_places=decimal_places)
    if not any(significant):
        return Decimal(0).quantize(Decimal(1).scaleb(-decimal_places))
    return number.quantize(Decimal(1).scaleb(-decimal_places))


def number_message(refusal: NumberError) -> str:
    """The translated reason a number was refused, for the field's error list."""
    if refusal.reason == "digits":
        return _("Too large: at most %(digits)s digits before the decimal point.") % {
            "digits": refusal.max_integer_digits}
    if refusal.reason == "places":
        return _("At most %(places)s decimal places.") % {"places": refusal.decimal_places}
    return _("Enter a number.")


def model_decimal(value, model, field_name: str, *, error_field: str | None = None) -> Decimal | None:
    """``column_decimal`` for ``model.field_name``; a refusal is a ValidationError on ``error_field``."""
    column = model._meta.get_field(field_name)
    try:
        return column_decimal(value, max_digits=column.max_digits, decimal_places=column.decimal_places)
    except NumberError as refusal:
        raise ValidationError({error_field or field_name: [number_message(refusal)]}) from None
