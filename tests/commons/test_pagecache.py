"""Anonymous readers share one rendered copy of an article page, each with their own
CSRF token and submission key; anyone with a session or signed in gets their own page."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.comments.helpers import post, signed_in
from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services as wiki

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION_KEY = re.compile(r'name="submission_key" value="([^"]+)"')


@pytest.fixture
def article(user, moderator):
    article = make_article(title="Shared page", user=user)
    post(article, "A remark everyone sees.", author=signed_in(moderator))
    return article


def test_the_second_reader_gets_the_stored_page_in_one_query(article):
    Client().get(article.get_absolute_url())
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    assert "A remark everyone sees." in response.content.decode()
    assert len(captured) == 1  # the article, for its version


def test_each_reader_gets_a_working_token_and_a_fresh_submission_key(article):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(article.get_absolute_url()).content.decode()
    second_page = second.get(article.get_absolute_url()).content.decode()
    assert SUBMISSION_KEY.search(first_page)[1] != SUBMISSION_KEY.search(second_page)[1]
    assert "\x00" not in second_page

    posted = second.post(
        f"/wiki/{article.slug}/comments/",
        {
            "csrfmiddlewaretoken": CSRF.search(second_page)[1],
            "submission_key": SUBMISSION_KEY.search(second_page)[1],
            "body": "Posted from the stored page.",
            "name": "Sam",
            "email": "sam@example.test",
        },
    )
    assert posted.status_code == 302


def test_an_anonymous_commenter_sees_their_pending_comment_not_the_shared_page(article):
    Client().get(article.get_absolute_url())
    commenter = Client()
    commenter.post(
        f"/wiki/{article.slug}/comments/",
        {"body": "Mine, awaiting moderation.", "name": "Sam", "email": "sam@example.test"},
    )
    assert (
        "Mine, awaiting moderation." in commenter.get(article.get_absolute_url()).content.decode()
    )
    assert (
        "Mine, awaiting moderation."
        not in Client().get(article.get_absolute_url()).content.decode()
    )


def test_a_signed_in_reader_never_gets_the_anonymous_copy(article, user):
    Client().get(article.get_absolute_url())
    reader = Client()
    reader.force_login(user)
    page = reader.get(article.get_absolute_url()).content.decode()
    assert user.username in page
    assert "Log in" not in page


def anonymous_text(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_history_diffs_and_recent_changes_show_a_change_at_once(article, user, moderator):
    history, recent = f"/wiki/{article.slug}/history/", "/recent/"
    assert "Second words" not in anonymous_text(history)
    assert "Second words" not in anonymous_text(recent)
    wiki.save_edit(
        slug=article.slug,
        title=article.title,
        source="Second text.\n",
        summary="Second words",
        base_number=1,
        contributor=contributor(user),
    )
    assert "Second words" in anonymous_text(history)
    assert "Second words" in anonymous_text(recent)

    diff = f"/wiki/{article.slug}/diff/1/2/"
    hidden_notice = "A moderator has hidden the text"
    assert hidden_notice not in anonymous_text(diff)
    wiki.set_revision_hidden(
        revision=article.revisions.get(number=1),
        hidden=True,
        moderator=contributor(moderator),
    )
    assert hidden_notice in anonymous_text(diff)
