"""Every read of case referrals, scoped to the user."""

from django.db.models import QuerySet
from django.http import Http404

from ciq_portal.agencies import is_agency_principal, principal_agency
from ciq_portal.roles import is_bureau_user

from .filtersets import CaseReferralFilterSet
from .models import CaseReferral


def case_referral_list(*, user, filters=None) -> QuerySet[CaseReferral]:
    """Bureau staff see every case; an agency the cases referred to or by it; nobody else (declarants) any."""
    queryset = CaseReferral.objects.select_related("agency", "declaration", "enterprise", "referred_by")
    if is_agency_principal(user):
        agency = principal_agency(user)
        queryset = queryset.filter(agency=agency) if agency is not None else queryset.none()
    elif not is_bureau_user(user):
        queryset = queryset.none()
    queryset = queryset.order_by("-referred_at", "-id")
    if filters is not None:
        queryset = CaseReferralFilterSet(filters, queryset=queryset).qs
    return queryset


def case_referral_get(*, user, pk) -> CaseReferral:
    try:
        return case_referral_list(user=user).prefetch_related("evidence__document", "evidence__added_by").get(pk=pk)
    except (CaseReferral.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
