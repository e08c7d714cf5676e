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
    # 8, and for a signed-in reader their trust level set by hand (moderation.trust) and the
    # header's bell (their unread notices).
    assert many <= 8 + 2 * signed_in


@pytest.fixture
def viewer(request, user, moderator, settings):
    """Who looks: an editor, a trusted user (rollback by trust) or a moderator."""
    if request.param == "trusted":
        settings.MODERATION_TRUSTED_CONTRIBUTIONS = 1
        make_article(title="Earned trust", texts=["mine\n"], user=user)
    return moderator if request.param == "moderator" else user


@pytest.mark.parametrize("viewer", ["editor", "trusted", "moderator"], indirect=True)
@pytest.mark.parametrize(
    "page",
    ["/wiki/{slug}/history/", "/recent/", "/wiki/{slug}/diff/1/2/", "/wiki/{slug}/undo/2/"],
)
def test_undo_and_rollback_links_cost_no_query_per_row(client, other_user, viewer, page):
    """History, diffs and recent changes show undo on every row and rollback on current
    revisions; the undo page merges three texts: none of it grows with the history."""
    client.force_login(viewer)
    small = make_article(title="Small", texts=["one\n", "two\n"], user=other_user)
    few = queries_for(client, page.format(slug=small.slug))
    big = make_article(title="Big", texts=[f"text {i}\n" for i in range(60)], user=other_user)
    for number in range(10):
        make_article(title=f"Also edited {number}", texts=["a\n", "b\n"], user=other_user)
    many = queries_for(client, page.format(slug=big.slug))
    assert few == many
    assert many <= UNDO_BUDGETS[page]


# With an untrusted editor looking, the most any viewer costs: the rollback link asks
# whether the viewer is trusted (moderation.trust reads a level set by hand and counts
# their contributions), once a page; and the header's bell counts their unread notices.
UNDO_BUDGETS = {
    "/wiki/{slug}/history/": 10,
    "/recent/": 10,
    "/wiki/{slug}/diff/1/2/": 11,
    "/wiki/{slug}/undo/2/": 7,
}
