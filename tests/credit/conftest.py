import pytest
from django.core.cache import cache

from credit.selectors import POLICY_CACHE_KEY


@pytest.fixture(autouse=True)
def _fresh_policy_cache():
    # The policy in force is cached; each test's database starts from version 1 again.
    cache.delete(POLICY_CACHE_KEY)
    yield
    cache.delete(POLICY_CACHE_KEY)
