"""An article's discussion renders in the same number of queries at 10 or 1,000 comments."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.comments.helpers import post, signed_in
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


def seed(article, count, author, seed=1):
    rng = random.Random(seed)
    made = []
    for i in range(count):
        parent = rng.choice(made) if made and rng.random() < 0.7 else None
        made.append(post(article, f"Comment {i}", author=author, parent=parent))


def captured_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


def queries(client, url):
    return len(captured_queries(client, url))


@pytest.mark.parametrize("signed_in_viewer", [False, True])
def test_discussion_queries_do_not_grow_with_comments(client, user, moderator, signed_in_viewer):
    small = make_article(title="Small", user=user)
    big = make_article(title="Big", user=user)
    author = signed_in(moderator)
    seed(small, 10, author)
    seed(big, 300, author)  # six pages of a discussion
    if signed_in_viewer:
        client.force_login(user)
    few = queries(client, small.get_absolute_url())
    many = queries(client, big.get_absolute_url())
    assert few == many
    assert many <= 9
    assert b"300 comments" in client.get(big.get_absolute_url()).content
    # Read again, the discussion comes from the cache: the comments table is not touched.
    again = captured_queries(client, big.get_absolute_url())
    assert not [sql for sql in again if '"comments_comment"."lft"' in sql]
    if signed_in_viewer:
        assert len(again) == many - 3  # the count, the page bounds, the comments
    else:
        assert len(again) == 1  # the article's version: the whole page is stored
