"""Readers flag comments: once each, with a reason; enough flags hide a comment for review."""

import pytest
from django.test import Client

from comments.services import remove_comment
from moderation import services
from moderation.models import CheckState, Flag, ReviewReason
from moderation.states import Status
from tests.comments.helpers import post, signed_in
from tests.factories import UserFactory
from tests.moderation.queue_helpers import case_of, held_comment
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


@pytest.fixture
def comment(article, moderator):
    return post(article, "Buy my **course** now", author=signed_in(moderator))


def flag_url(comment):
    return f"/comments/{comment.pk}/flag/"


def test_the_flag_page_shows_the_comment_and_a_reason_field(client, comment):
    response = client.get(flag_url(comment))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Buy my <strong>course</strong> now" in body
    assert '<label for="id_reason">' in body
    assert 'maxlength="500"' in body and "required" in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_a_reason_is_required_and_at_most_500_characters(client, comment):
    empty = client.post(flag_url(comment), {"reason": "  "})
    assert empty.status_code == 400
    assert b"Please say why" in empty.content
    long = client.post(flag_url(comment), {"reason": "x" * 501})
    assert long.status_code == 400
    assert b"500 characters" in long.content
    assert not Flag.objects.exists()


def test_a_signed_in_reader_flags_once(client, user, comment):
    client.force_login(user)
    first = client.post(flag_url(comment), {"reason": "Advertising"}, follow=True)
    assert "moderators will look at this comment" in first.content.decode()
    second = client.post(flag_url(comment), {"reason": "Still advertising"}, follow=True)
    assert "You already flagged this comment." in second.content.decode()
    flag = Flag.objects.get()
    assert (flag.reporter, flag.reporter_key, flag.reason) == (
        user,
        f"user:{user.pk}",
        "Advertising",
    )
    assert case_of(comment).flag_count == 1


def test_an_anonymous_reader_flags_once_per_address_even_without_cookies(client, comment):
    client.post(flag_url(comment), {"reason": "Spam"})
    again = Client().post(flag_url(comment), {"reason": "Spam again"}, follow=True)
    assert "You already flagged this comment." in again.content.decode()
    Client().post(flag_url(comment), {"reason": "Another reader"}, REMOTE_ADDR="192.0.2.44")
    keys = sorted(Flag.objects.values_list("reporter_key", flat=True))
    assert keys == ["ip:127.0.0.1", "ip:192.0.2.44"]
    assert Flag.objects.filter(reporter__isnull=False).count() == 0


def test_flags_from_different_people_hide_the_comment_and_queue_it(
    client, article, moderator, comment, settings
):
    settings.MODERATION_FLAGS_TO_HIDE = 3
    # A reply keeps the hidden comment's place in the thread as a "[hidden]" placeholder.
    post(article, "A reply that stays", author=signed_in(moderator), parent=comment)
    reasons = ["Advertising", "Selling a course", "Spam link"]
    for number, reason in enumerate(reasons):
        reader = Client()
        if number == 0:
            reader.force_login(UserFactory())
        reader.post(flag_url(comment), {"reason": reason}, REMOTE_ADDR=f"192.0.2.{number + 1}")
        if number < 2:
            assert b"Buy my <strong>course</strong> now" in Client().get("/wiki/gardens/").content

    page = Client().get("/wiki/gardens/").content.decode()
    assert "Buy my" not in page
    assert "[hidden]" in page
    assert "A reply that stays" in page
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED and comment.is_held
    case = case_of(comment)
    assert (case.state, case.review_reason) == (CheckState.NEEDS_REVIEW, ReviewReason.FLAGGED)

    client.force_login(moderator)
    queue = client.get("/moderation/").content.decode()
    assert f'id="case-{case.pk}"' in queue
    assert "flagged by readers" in queue
    for reason in reasons:
        assert reason in queue
    assert "Hidden pending review: 3 readers flagged it." in queue
    assert "Buy my <strong>course</strong> now" in queue

    client.post(f"/moderation/{case.pk}/approve/")
    comment.refresh_from_db()
    assert not comment.is_held
    assert b"Buy my <strong>course</strong> now" in Client().get("/wiki/gardens/").content


def test_readers_see_a_flag_link_but_not_on_their_own_comment(
    client, article, moderator, user, other_user
):
    mine = post(article, "My own words", author=signed_in(user))
    assert mine.status == Status.PENDING  # a new user is not trusted yet
    services.approve(case=case_of(mine), moderator=moderator)
    theirs = post(article, "Someone else's words", author=signed_in(moderator))

    client.force_login(user)
    page = client.get("/wiki/gardens/").content.decode()
    assert flag_url(mine) not in page
    assert flag_url(theirs) in page

    client.force_login(other_user)
    page = client.get("/wiki/gardens/").content.decode()
    assert flag_url(mine) in page and flag_url(theirs) in page
    assert '>Flag<span class="visually-hidden"> the comment by ' in page

    anonymous = Client().get("/wiki/gardens/").content.decode()
    assert flag_url(mine) in anonymous


def test_only_published_comments_can_be_flagged(client, article, moderator, settings):
    pending = held_comment(article, "Waiting")
    removed = post(article, "Removed", author=signed_in(moderator))
    remove_comment(comment=removed, by=moderator)
    spam = held_comment(article, "Spam")
    services.mark_spam(case=case_of(spam), moderator=moderator)
    settings.MODERATION_FLAGS_TO_HIDE = 1
    held = post(article, "Held after a flag", author=signed_in(moderator))
    services.flag(content=held, reporter=None, reporter_key="k", reason="r")

    for comment in (pending, removed, spam, held):
        assert client.get(flag_url(comment)).status_code == 404, comment.body
        assert client.post(flag_url(comment), {"reason": "x"}).status_code == 404, comment.body
    assert client.get("/comments/999999/flag/").status_code == 404
    page = client.get("/wiki/gardens/").content.decode()
    for comment in (pending, removed, spam, held):
        assert flag_url(comment) not in page
