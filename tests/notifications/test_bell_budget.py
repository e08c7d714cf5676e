"""The header's bell costs every page one query at most, for a signed-in person with
unread notices: the count, shared by the page's ETag and its layout."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import NoticeKind
from notifications.notices import notify
from notifications.watching import toggle_watch
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db

# The whole page's budget for a signed-in person with unread notices, and how many of
# its queries read notices: the bell's one, and on /notifications/ the page's count and
# its notices with their articles.
PAGES = {
    "/": (8, 1),
    "/wiki/gardens/": (7, 1),
    "/wiki/gardens/history/": (10, 1),
    "/recent/": (10, 1),
    "/watchlist/": (7, 1),
    "/notifications/": (6, 3),
    "/accounts/preferences/": (6, 1),
    "/users/{username}/": (10, 1),
}


@pytest.mark.parametrize("page", PAGES)
def test_the_bell_adds_one_query_to_each_page(client, user, moderator, page):
    article = make_article(title="Gardens", texts=["one\n", "two\n"], user=moderator)
    toggle_watch(user=user, article=article)
    for number in range(12):
        notify(
            kind=NoticeKind.WATCHED_EDIT if number % 2 else NoticeKind.REPLY,
            key=f"event:{number}",
            recipient_ids=[user.pk],
            text=f"Something {number} happened on “Gardens”",
            url="/wiki/gardens/",
            article_id=article.pk,
            actor_name=f"someone{number}",
        )
    client.force_login(user)
    cache.clear()  # measure the rendering, not a stored copy
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.format(username=user.username))
    assert response.status_code == 200
    assert '<span class="nav-bell__count">12</span>' in response.content.decode()
    budget, on_notices = PAGES[page]
    sqls = [query["sql"] for query in captured]
    assert sum('"notifications_notice"' in sql for sql in sqls) == on_notices, sqls
    assert len(sqls) <= budget, (page, len(sqls))
