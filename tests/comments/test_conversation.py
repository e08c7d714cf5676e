"""Quote and Preview in the discussion: what a reader gets without JavaScript."""

import html
import re

import pytest

from comments.models import Comment, CommentEdit
from comments.quoting import QUOTE_MAX_LENGTH
from moderation.blocklist import add_entry
from moderation.models import ModerationCase
from notifications.models import Notice
from tests.comments.helpers import anonymous, post, signed_in
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db

TEXTAREA = re.compile(r"<textarea[^>]*>(.*?)</textarea>", re.S)


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", user=moderator)


def form_text(response) -> str:
    return html.unescape(TEXTAREA.search(response.content.decode()).group(1)).lstrip("\n")


def test_quote_opens_the_reply_form_with_the_comment_quoted_and_linked_back(
    client, article, moderator
):
    comment = post(article, "Bees *like* clover.\n\nAnd thyme.", author=signed_in(moderator))
    page = client.get("/wiki/gardens/").content.decode()
    assert f'href="?reply={comment.pk}&amp;quote=1#comment-form"' in page

    response = client.get(f"/wiki/gardens/?reply={comment.pk}&quote=1")
    assert form_text(response) == (
        f"> [mod wrote](/comments/{comment.pk}/):\n>\n> Bees *like* clover.\n>\n> And thyme.\n\n"
    )
    assert f'name="parent" value="{comment.pk}"' in response.content.decode()


def test_a_long_comment_is_quoted_in_part_and_a_name_cannot_break_the_link(client, article):
    comment = post(article, "word " * 1000, author=anonymous(name="[x](javascript:1) *"))
    Comment.objects.filter(pk=comment.pk).update(status="published")
    text = form_text(client.get(f"/wiki/gardens/?reply={comment.pk}&quote=1"))
    assert text.startswith(r"> [\[x\]\(javascript:1\) \* wrote](/comments/")
    assert len(text) < QUOTE_MAX_LENGTH + 100 and text.rstrip().endswith("…")


def test_a_reply_with_a_quote_keeps_the_blockquote_and_its_link(article, moderator):
    comment = post(article, "Bees like clover.", author=signed_in(moderator))
    quote = f"> [mod wrote](/comments/{comment.pk}/):\n>\n> Bees like clover.\n\nThey do."
    reply = post(article, quote, author=signed_in(moderator), parent=comment)
    assert f'<blockquote>\n<p><a href="/comments/{comment.pk}/">mod wrote</a>:</p>' in reply.html


def test_held_or_other_articles_comments_are_not_quoted(client, article, moderator):
    held = post(article, "Secret pending words", author=anonymous())
    elsewhere = make_article(title="Elsewhere", user=moderator)
    other = post(elsewhere, "Other words", author=signed_in(moderator))
    for pk in (held.pk, other.pk, "x", "9" * 40):
        assert form_text(client.get(f"/wiki/gardens/?reply={pk}&quote=1")) == ""


def test_preview_shows_the_text_rendered_with_mentions_and_saves_nothing(client, article):
    UserFactory(username="carol")
    response = client.post(
        "/wiki/gardens/comments/",
        {"body": "Hello **@carol**", "preview": "1", "submission_key": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="comment-preview"' in page
    assert '<strong><a class="mention" href="/users/carol/">@carol</a></strong>' in page
    assert form_text(response) == "Hello **@carol**"
    assert "Please give a name" not in page  # asked when posting, not for a preview
    assert not Comment.objects.comments().exists()
    assert not Notice.objects.exists()
    assert not ModerationCase.objects.exists()


def test_preview_applies_the_limits_of_posting(client, article, settings, user, moderator):
    settings.COMMENTS_MAX_LENGTH = 50
    too_long = client.post("/wiki/gardens/comments/", {"body": "x" * 51, "preview": "1"})
    assert too_long.status_code == 400
    assert "Comments are at most 50 characters" in too_long.content.decode()
    assert 'class="comment-preview"' not in too_long.content.decode()

    client.force_login(user)  # level 0: no more than the new writers' links
    settings.MODERATION_NEW_MAX_LINKS = 1
    links = client.post(
        "/wiki/gardens/comments/",
        {"body": "http://a.example http://b.example", "preview": "1"},
    )
    assert links.status_code == 400 and 'class="comment-preview"' not in links.content.decode()

    add_entry(by=moderator, kind="word", pattern="casino", action="refuse")
    refused = client.post("/wiki/gardens/comments/", {"body": "best casino", "preview": "1"})
    assert refused.status_code == 400
    assert not Comment.objects.comments().exists()


def test_preview_on_the_edit_page_keeps_the_text_and_changes_nothing(client, article, moderator):
    comment = post(article, "First words", author=signed_in(moderator))
    client.force_login(moderator)
    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "New *words*", "preview": "1"})
    assert response.status_code == 200
    assert "<em>words</em>" in response.content.decode()
    assert form_text(response) == "New *words*"
    comment.refresh_from_db()
    assert comment.body == "First words" and not CommentEdit.objects.exists()
