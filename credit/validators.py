"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check character."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(ch) * weight for ch, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    code = (value or "").upper()
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters."), code="uscc_length")
    if any(ch not in USCC_ALPHABET for ch in code):
        raise ValidationError(
            _("A unified social credit code uses only digits and the letters %(letters)s.")
            % {"letters": USCC_ALPHABET[10:]},
            code="uscc_alphabet",
        )
    if uscc_check_character(code[:17]) != code[17]:
        raise ValidationError(_("The check character of this unified social credit code is wrong."),
                              code="uscc_checksum")
