import pytest
from django.http import Http404

from ciq_portal.scoping import get_in_scope, scope_queryset
from credit.models import Enterprise

pytestmark = pytest.mark.django_db


def test_declarant_sees_only_own_enterprise(declarant_a, enterprise_a, enterprise_b):
    visible = scope_queryset(Enterprise.objects.all(), user=declarant_a, enterprise_field="pk")
    assert list(visible) == [enterprise_a]
    with pytest.raises(Http404):
        get_in_scope(Enterprise.objects.all(), user=declarant_a, enterprise_field="pk", pk=enterprise_b.pk)


def test_bureau_staff_see_everything(officer, enterprise_a, enterprise_b):
    assert scope_queryset(Enterprise.objects.all(), user=officer).count() == 2


def test_users_without_role_see_nothing(db, enterprise_a):
    from ..factories import UserFactory

    assert not scope_queryset(Enterprise.objects.all(), user=UserFactory(), enterprise_field="pk").exists()
