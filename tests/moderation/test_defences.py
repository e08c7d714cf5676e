"""Defences before Akismet: the honeypot and rate limits per IP and per user."""

import pytest

from comments.models import Comment
from moderation.models import ModerationCase, Verdict
from moderation.states import Status
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", user=moderator)


def anonymous_post(client, body, **extra):
    return client.post(
        "/wiki/gardens/comments/",
        {"body": body, "name": "Robin", "email": "robin@example.test", **extra},
    )


def test_the_honeypot_keeps_bot_posts_as_blatant_spam(client, article):
    response = anonymous_post(client, "Cheap pills", homepage="http://spam.example")
    assert response.status_code == 302
    comment = Comment.objects.get(body="Cheap pills")
    assert comment.status == Status.SPAM
    assert ModerationCase.objects.get(object_id=comment.pk).verdict == Verdict.DISCARD
    assert b"Cheap pills" not in client.get("/wiki/gardens/").content


def test_the_honeypot_is_hidden_from_people(client, article):
    body = client.get("/wiki/gardens/").content.decode()
    assert 'class="hp" aria-hidden="true"' in body
    assert 'tabindex="-1"' in body


def test_too_many_comments_from_one_address_get_429_and_keep_the_text(client, article, settings):
    settings.COMMENTS_RATE_LIMIT = "2/60"
    assert anonymous_post(client, "one").status_code == 302
    assert anonymous_post(client, "two").status_code == 302
    response = anonymous_post(client, "three, kept")
    assert response.status_code == 429
    body = response.content.decode()
    assert "faster than we allow" in body
    assert "three, kept</textarea>" in body
    assert Comment.objects.comments().count() == 2


def test_the_user_limit_follows_the_user_across_addresses(client, article, user, settings):
    settings.COMMENTS_RATE_LIMIT = "1/60"
    client.force_login(user)
    first = client.post("/wiki/gardens/comments/", {"body": "a"}, REMOTE_ADDR="192.0.2.1")
    second = client.post("/wiki/gardens/comments/", {"body": "b"}, REMOTE_ADDR="192.0.2.2")
    assert (first.status_code, second.status_code) == (302, 429)


def test_too_many_edits_get_429_and_keep_the_text(client, article, user, settings):
    settings.EDITS_RATE_LIMIT = "1/60"
    client.force_login(user)
    ok = client.post("/wiki/gardens/edit/", {"source": "first\n", "base_number": 1})
    assert ok.status_code == 302
    response = client.post("/wiki/gardens/edit/", {"source": "second, kept\n", "base_number": 2})
    assert response.status_code == 429
    assert "second, kept" in response.content.decode()
