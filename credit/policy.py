"""Differentiated supervision: each grade's inspection budget and random ratio, their defaults and the rules.

The budget is the share of a grade's consignments the bureau inspects in all (the random control sample included);
the random ratio is the share the dual-random draw selects whatever the risk. Risk targeting fills the difference
with the consignments of the highest expected harm.

Defaults (2019 national practice): general (B) 2.44 %, dishonest (D) 84.76 %. The 2019 observed
rates of certified (1.69 %) and advanced certified (0.57 %) enterprises are above what the rules allow relative
to 2.44 % (A at most 50 % = 1.22 %, AA at most 20 % = 0.488 %), so the defaults take the rules' ceilings:
A 1.22 %, AA 0.48 %. C (under watch) has no national figure: 20 %, i.e. one consignment in five — far above B so
that watch means something, far below D because a C enterprise has not been found dishonest. Without a budget of
its own, a grade's budget is its random ratio (everything inspected is drawn at random), as before budgets existed.
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
DEFAULT_BUDGETS: dict[str, Decimal] = dict(DEFAULT_RATIOS)
AA_MAX_SHARE_OF_B = Decimal("0.20")
A_MAX_SHARE_OF_B = Decimal("0.50")
D_MIN_RATIO = Decimal("0.80")
GRADE_ORDER = (G.AA, G.A, G.B, G.C, G.D)  # from the best to the worst
FIELD_FOR_GRADE = {G.AA: "ratio_aa", G.A: "ratio_a", G.B: "ratio_b", G.C: "ratio_c", G.D: "ratio_d"}
BUDGET_FIELD_FOR_GRADE = {G.AA: "budget_aa", G.A: "budget_a", G.B: "budget_b", G.C: "budget_c", G.D: "budget_d"}


def policy_validate(ratios: dict[str, Decimal], budgets: dict[str, Decimal] | None = None) -> None:
    """Raise ValidationError naming the field of every ratio or budget that breaks a rule: the national rules hold
    for the budget (the whole inspection rate); a better grade never has a higher budget than a worse one; the
    random ratio never exceeds its grade's budget."""
    errors: dict[str, list[str]] = {}
    values = {grade: Decimal(str(ratios[grade])) for grade in FIELD_FOR_GRADE}
    limits = values if budgets is None else {grade: Decimal(str(budgets[grade])) for grade in FIELD_FOR_GRADE}
    for grade in GRADE_ORDER:
        for field, value in ((FIELD_FOR_GRADE[grade], values[grade]), (BUDGET_FIELD_FOR_GRADE[grade], limits[grade])):
            if not Decimal("0") <= value <= Decimal("1"):
                errors.setdefault(field, []).append(_("A ratio is between 0 and 1 (0 % to 100 %)."))
    if errors:
        raise ValidationError(errors)
    for grade in GRADE_ORDER:
        if values[grade] > limits[grade]:
            errors.setdefault(FIELD_FOR_GRADE[grade], []).append(
                _("The random ratio cannot exceed the grade's inspection budget (%(budget)s).")
                % {"budget": f"{limits[grade]:.5f}"})
    # Without budgets the random ratio is the whole rate: the rules name its field.
    field = BUDGET_FIELD_FOR_GRADE if budgets is not None else FIELD_FOR_GRADE
    for better, worse in zip(GRADE_ORDER, GRADE_ORDER[1:], strict=False):
        if limits[better] > limits[worse]:
            errors.setdefault(field[better], []).append(
                _("A better grade cannot have a higher inspection budget than grade %(worse)s (%(value)s).")
                % {"worse": worse, "value": f"{limits[worse]:.5f}"})
    b = limits[G.B]
    if limits[G.A] > b * A_MAX_SHARE_OF_B:
        errors.setdefault(field[G.A], []).append(
            _("Grade A may be inspected at most 50 %% of grade B's ratio (at most %(max)s).")
            % {"max": f"{b * A_MAX_SHARE_OF_B:.5f}"})
    if limits[G.AA] > b * AA_MAX_SHARE_OF_B:
        errors.setdefault(field[G.AA], []).append(
            _("Grade AA may be inspected at most 20 %% of grade B's ratio (at most %(max)s).")
            % {"max": f"{b * AA_MAX_SHARE_OF_B:.5f}"})
    if limits[G.D] < D_MIN_RATIO:
        errors.setdefault(field[G.D], []).append(_("Grade D must be inspected at a ratio of at least 0.8 (80 %)."))
    if errors:
        raise ValidationError(errors)
