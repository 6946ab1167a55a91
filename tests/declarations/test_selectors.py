import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations import selectors
from declarations.selectors import KeysFirstPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(make_draft):
    return [make_draft(bill_of_lading=f"BL{i:03d}") for i in range(12)]


def test_keys_first_pages_keep_order_and_count(declarant_a, drafts):
    queryset = selectors.declaration_list(user=declarant_a)
    expected = list(queryset.values_list("pk", flat=True))
    pages = [selectors.declaration_page(queryset, n, per_page=5) for n in (1, 2, 3)]
    assert [d.pk for page in pages for d in page] == expected
    assert pages[0].paginator.exact and pages[0].paginator.count == 12 and pages[0].paginator.num_pages == 3
    assert pages[0].has_next() and not pages[2].has_next()
    assert all(d.line_count == 1 for d in pages[1])
    assert selectors.declaration_page(queryset, 99, per_page=5).number == 3  # past the end: the last page


def test_count_capped_but_pages_still_served(declarant_a, drafts, monkeypatch):
    monkeypatch.setattr(KeysFirstPaginator, "COUNT_CAP", 7)
    queryset = selectors.declaration_list(user=declarant_a)
    page = selectors.declaration_page(queryset, 3, per_page=5)  # beyond the capped count
    assert not page.paginator.exact and page.paginator.count == 7
    assert len(page) == 2 and not page.has_next() and page.has_previous()
    assert selectors.declaration_page(queryset, 2, per_page=5).has_next()
    assert selectors.declaration_page(queryset, 50, per_page=5).number == 1


def test_list_page_constant_queries(client, declarant_a, make_draft, monkeypatch):
    from declarations.views import declarations as views

    client.force_login(declarant_a)
    make_draft()
    client.get("/declarations/")
    counts = []
    for size in (1, 10):
        while len(selectors.declaration_list(user=declarant_a)) < size:
            make_draft()
        monkeypatch.setattr(views, "PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/declarations/", {"status": ["draft", "submitted"], "hs_code": "0306"}).status_code \
                == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_filter_bar_compact_and_shared(client, declarant_a, make_draft):
    make_draft()
    client.force_login(declarant_a)
    page = client.get("/declarations/", {"status": ["draft", "released"]}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'type="checkbox" name="status" value="draft"' in page and "<select name=\"status\"" not in page
    assert "Draft, Released" in page  # the drop-down names what is ticked
    assert "More filters" in page and "1 declaration" in page
    assert "0 declarations" in client.get("/declarations/", {"status": "released"},
                                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = client.get("/api/v1/declarations/", {"status": ["draft", "released"], "sort": "-number"})
    assert response.status_code == 200
