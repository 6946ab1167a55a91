"""The analysts' pages (rules, what-if, performance, bulletins, models), the officers' bulletin list, the
assessment of a declaration for bureau staff, and the public bulletin list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ciq_portal.forms import errors_to_forms
from ciq_portal.roles import Role, has_role, is_bureau_user, require_role
from declarations.models import Declaration

from . import selectors, services, transitions
from .choices import RuleStatus
from .engine import thresholds
from .forms import BulletinForm, RuleForm, WhatIfForm, condition_guide
from .models import RiskModel, RiskRule

ANALYSTS = (Role.RISK_ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR)


@login_required
def home(request):
    require_role(request.user, *ANALYSTS)

    return render(request, "risk/home.html", {
        "active_rules": RiskRule.objects.filter(status="active").count(),
        "draft_rules": RiskRule.objects.filter(status="draft").count(),
        "bulletins": selectors.bulletins_active()[:10],
        "model": RiskModel.objects.defer("booster", "encoding").filter(is_active=True).first(),
        "thresholds": thresholds(),
    })


@login_required
def rule_list(request):
    require_role(request.user, *ANALYSTS)
    return render(request, "risk/rule_list.html", {"rules": selectors.rule_list(user=request.user,
                                                                                   filters=request.GET)})


@login_required
def rule_create(request):
    require_role(request.user, *ANALYSTS)
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.rule_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Rule saved as a draft."))
            return redirect("risk:rule_detail", pk=rule.pk)
    return render(request, "risk/rule_form.html", {"form": form, "guide": condition_guide()})


@login_required
def rule_edit(request, pk):
    require_role(request.user, *ANALYSTS)
    rule = selectors.rule_get(user=request.user, pk=pk)
    form = RuleForm.for_rule(rule, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            services.rule_update(rule=rule, actor=request.user, **data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Rule updated."))
            return redirect("risk:rule_detail", pk=rule.pk)
    return render(request, "risk/rule_form.html", {"form": form, "rule": rule, "guide": condition_guide()})


@login_required
def rule_detail(request, pk):
    require_role(request.user, *ANALYSTS)
    rule = selectors.rule_get(user=request.user, pk=pk)
    whatif, form = None, WhatIfForm(request.GET if "days" in request.GET else None)
    if form.is_bound and form.is_valid():
        whatif = selectors.rule_whatif(conditions=rule.conditions, days=form.cleaned_data["days"],
                                       force_inspection=rule.force_inspection, force_tier=rule.force_tier,
                                       force_release_mode=rule.force_release_mode)
    return render(request, "risk/rule_detail.html", {
        "rule": rule, "actions": transitions.rule_actions(rule.status),
        "activation_pending": services.activation_pending(rule=rule),
        "versions": rule.versions.select_related("actor")[:50], "whatif": whatif, "form": form})


RULE_MOVED = {
    "activate": gettext_lazy("Rule %(code)s is active: it applies to every declaration assessed from now on."),
    "retire": gettext_lazy("Rule %(code)s is retired: it no longer applies."),
}


@login_required
@require_POST
def rule_move(request, pk, verb):
    require_role(request.user, *ANALYSTS)
    rule = selectors.rule_get(user=request.user, pk=pk)
    action = {"activate": services.rule_activate, "retire": services.rule_retire}.get(verb)
    if action is None:
        raise Http404
    try:
        moved = action(rule=rule, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if verb == "activate" and moved.status == RuleStatus.DRAFT:
            messages.success(request, _("Activation requested: a second analyst or a supervisor approves it after "
                                        "seeing the what-if projection."))
        else:
            messages.success(request, RULE_MOVED[verb] % {"code": rule.code})
    return redirect("risk:rule_detail", pk=rule.pk)


@login_required
def performance(request):
    require_role(request.user, *ANALYSTS)
    try:
        days = max(1, min(int(request.GET.get("days", 90)), 730))
    except ValueError:
        days = 90
    return render(request, "risk/performance.html", {"perf": selectors.rule_performance(days=days)})


@login_required
def bulletin_list(request):
    if not is_bureau_user(request.user):
        raise PermissionDenied
    return render(request, "risk/bulletin_list.html", {
        "bulletins": selectors.bulletin_list(user=request.user, filters=request.GET),
        "can_edit": has_role(request.user, *ANALYSTS)})


@login_required
def bulletin_detail(request, pk):
    if not is_bureau_user(request.user):
        raise PermissionDenied
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    actions = transitions.bulletin_actions(bulletin.status) if has_role(request.user, *ANALYSTS) else []
    return render(request, "risk/bulletin_detail.html", {"bulletin": bulletin, "actions": actions})


@login_required
def bulletin_form(request, pk=None):
    require_role(request.user, *ANALYSTS)
    bulletin = selectors.bulletin_get(user=request.user, pk=pk) if pk else None
    initial = BulletinForm.initial_for(bulletin) if bulletin else None
    form = BulletinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        rules = data.pop("rules")
        try:
            if bulletin:
                bulletin = services.bulletin_update(bulletin=bulletin, actor=request.user, rules=rules, **data)
            else:
                bulletin = services.bulletin_create(actor=request.user, rules=rules, **data)
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            messages.success(request, _("Bulletin saved."))
            return redirect("risk:bulletin_detail", pk=bulletin.pk)
    return render(request, "risk/bulletin_form.html", {"form": form, "bulletin": bulletin})


@login_required
@require_POST
def bulletin_move(request, pk, verb):
    require_role(request.user, *ANALYSTS)
    bulletin = selectors.bulletin_get(user=request.user, pk=pk)
    action = {"publish": services.bulletin_publish, "withdraw": services.bulletin_withdraw}.get(verb)
    if action is None:
        raise Http404
    try:
        action(bulletin=bulletin, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("risk:bulletin_detail", pk=bulletin.pk)


@login_required
def model_list(request):
    require_role(request.user, *ANALYSTS)
    return render(request, "risk/model_list.html", {"models": selectors.model_list(user=request.user)})


@login_required
def model_detail(request, pk):
    """Where a model is activated and its activation approved: its figures beside the projection of the
    inspection budget with it (the release app's page slot)."""
    require_role(request.user, *ANALYSTS)
    model = selectors.model_get(user=request.user, pk=pk)
    return render(request, "risk/model_detail.html", {
        "model": model, "activation_pending": services.activation_pending(model=model)})


@login_required
@require_POST
def model_activate(request, pk):
    require_role(request.user, *ANALYSTS)
    model = selectors.model_get(user=request.user, pk=pk)
    try:
        model = services.model_activate(model=model, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("risk:model_detail", pk=model.pk)
    if model.is_active:
        messages.success(request, _("Model %(v)s is now active.") % {"v": model.version})
    else:
        messages.success(request, _("Activation requested: a second analyst or a supervisor approves it after "
                                    "seeing the projection."))
    return redirect("risk:model_detail", pk=model.pk)


@login_required
def declaration_assessments(request, declaration_id):
    """A declaration's assessments with their reasons: bureau staff only (declarants get 404)."""
    if not is_bureau_user(request.user):
        raise Http404

    declaration = Declaration.objects.filter(pk=declaration_id).first()
    if declaration is None:
        raise Http404
    assessments = selectors.assessment_list(user=request.user).filter(declaration=declaration)
    return render(request, "risk/declaration_assessments.html", {"declaration": declaration,
                                                                  "assessments": assessments})


def public_bulletins(request):
    """Public list of bulletin titles and dates (no login)."""
    return render(request, "risk/public_bulletins.html", {"bulletins": selectors.bulletins_public()})
