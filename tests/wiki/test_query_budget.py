"""Pages cost a fixed number of queries, however many revisions an article has."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    cache.clear()  # measure the rendering, not a stored copy
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("page", ["/wiki/{slug}/", "/wiki/{slug}/history/", "/recent/", "/"])
def test_page_queries_do_not_grow_with_revisions(client, user, signed_in, page):
    small = make_article(title="Small", texts=["one\n"], user=user)
    big = make_article(title="Big", texts=[f"text {i}\n" for i in range(60)], user=user)
    if signed_in:
        client.force_login(user)
    few = queries_for(client, page.format(slug=small.slug))
    many = queries_for(client, page.format(slug=big.slug))
    assert few == many
    assert many <= 8
