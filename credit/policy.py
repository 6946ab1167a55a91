"""Differentiated supervision: each grade's target inspection ratio, its defaults and the national rules.

Defaults (2019 national practice): general (B) 2.44 %, dishonest (D) 84.76 %. The 2019 observed
rates of certified (1.69 %) and advanced certified (0.57 %) enterprises are above what the rules allow relative
to 2.44 % (A at most 50 % = 1.22 %, AA at most 20 % = 0.488 %), so the defaults take the rules' ceilings:
A 1.22 %, AA 0.48 %. C (under watch) has no national figure: 20 %, i.e. one consignment in five — far above B so
that watch means something, far below D because a C enterprise has not been found dishonest.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import CreditGrade as G

DEFAULT_RATIOS: dict[str, Decimal] = {
    G.AA: Decimal("0.00480"),
    G.A: Decimal("0.01220"),
    G.B: Decimal("0.02440"),
    G.C: Decimal("0.20000"),
    G.D: Decimal("0.84760"),
}
AA_MAX_SHARE_OF_B = Decimal("0.20")
A_MAX_SHARE_OF_B = Decimal("0.50")
D_MIN_RATIO = Decimal("0.80")
FIELD_FOR_GRADE = {G.AA: "ratio_aa", G.A: "ratio_a", G.B: "ratio_b", G.C: "ratio_c", G.D: "ratio_d"}


def policy_validate(ratios: dict[str, Decimal]) -> None:
    """Raise ValidationError naming the field of every ratio that breaks a national rule."""
    errors: dict[str, list[str]] = {}
    values = {grade: Decimal(str(ratios[grade])) for grade in FIELD_FOR_GRADE}
    for grade, value in values.items():
        if not Decimal("0") <= value <= Decimal("1"):
            errors.setdefault(FIELD_FOR_GRADE[grade], []).append(_("A ratio is between 0 and 1 (0 % to 100 %)."))
    if errors:
        raise ValidationError(errors)
    b = values[G.B]
    if values[G.A] > b * A_MAX_SHARE_OF_B:
        errors.setdefault("ratio_a", []).append(
            _("Grade A may be inspected at most 50 %% of grade B's ratio (at most %(max)s).")
            % {"max": f"{b * A_MAX_SHARE_OF_B:.5f}"})
    if values[G.AA] > b * AA_MAX_SHARE_OF_B:
        errors.setdefault("ratio_aa", []).append(
            _("Grade AA may be inspected at most 20 %% of grade B's ratio (at most %(max)s).")
            % {"max": f"{b * AA_MAX_SHARE_OF_B:.5f}"})
    if values[G.D] < D_MIN_RATIO:
        errors.setdefault("ratio_d", []).append(_("Grade D must be inspected at a ratio of at least 0.8 (80 %)."))
    if not (values[G.B] <= values[G.C] <= values[G.D]):
        errors.setdefault("ratio_c", []).append(_("Grade C's ratio lies between grade B's and grade D's."))
    if errors:
        raise ValidationError(errors)
