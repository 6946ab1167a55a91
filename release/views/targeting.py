"""The risk-targeting cut-offs for analysts and supervisors: per grade, the harm cut-off in force with the budget,
the expected rate and hits, what forced inspections take of it, and the versions before."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ciq_portal.roles import Role, require_role

from .. import matrix, selectors, services
from .access import SUPERVISORS

TARGETING_READERS = (*SUPERVISORS, Role.RISK_ANALYST)


@login_required
def targeting(request):
    require_role(request.user, *TARGETING_READERS)
    versions = list(selectors.selection_cutoffs_versions()[:20])
    current = versions[0] if versions else None
    rows = []
    for grade in matrix.GRADES:
        cut = (current.grades.get(grade) if current else None) or {}
        rows.append({"grade": grade, **{key: cut.get(key) for key in (
            "budget", "random_ratio", "decisions", "forced_share", "targeted_share", "cutoff", "tie_share",
            "expected_rate", "expected_hits")}})
    return render(request, "release/targeting.html", {"current": current, "rows": rows, "versions": versions})


@require_POST
@login_required
def targeting_recompute(request):
    require_role(request.user, *TARGETING_READERS)
    row = services.selection_cutoffs_compute(trigger="manual", actor=request.user)
    messages.success(request, _("Cut-offs version %(v)s is now in force.") % {"v": row.version})
    return redirect("release:targeting")
