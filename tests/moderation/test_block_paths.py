"""A block applies to every write path: each refuses a blocked writer with a 403 that says
why, hands back what they wrote, and saves nothing; readers still read everything."""

import datetime
import re
from dataclasses import dataclass
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from comments.models import Comment, CommentEdit
from moderation import blocks
from moderation.models import Block, BlockScope, Flag
from tests.comments.helpers import post, signed_in
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.wiki.helpers import make_article
from wiki import services as wiki
from wiki.models import Article, ArticleRedirect, Revision

pytestmark = pytest.mark.django_db

# The test client's address, inside the blocked range.
BLOCKED_RANGE = "127.0.0.0/24"
REASON = "Link spam from this network"


@dataclass
class Attempt:
    url: str
    data: dict
    handed_back: str | None  # the text the page must hand back, None when nothing was written


def counts():
    return (
        Revision.objects.count(),
        Article.objects.count(),
        ArticleRedirect.objects.count(),
        Comment.objects.count(),
        CommentEdit.objects.count(),
        Flag.objects.count(),
        get_user_model().objects.count(),
        Block.objects.count(),
    )


def hands_back(body: str, text: str) -> bool:
    areas = re.findall(r"<textarea[^>]*readonly[^>]*>(.*?)</textarea>", body, re.S)
    return any(unescape(area).strip() == text.strip() for area in areas)


@pytest.fixture
def scene(user, other_user, moderator):
    """An article with two revisions (by user, then other_user) and a comment by user."""
    article = make_article(title="Gardens", texts=("First text.\n",), user=user)
    wiki.save_edit(
        slug="gardens",
        title="Gardens",
        source="First text.\n\nMore text.\n",
        base_number=1,
        contributor=contributor(other_user),
    )
    comment = post(article, "A fine comment.", author=signed_in(user))
    Comment.objects.filter(pk=comment.pk).update(status="published")
    return {"article": article, "comment": comment}


def edit(scene):
    return Attempt(
        "/wiki/gardens/edit/",
        {
            "source": "My careful edit.\n\nWith two paragraphs.\n",
            "summary": "tidy",
            "base_number": 2,
        },
        "My careful edit.\n\nWith two paragraphs.\n",
    )


def create(scene):
    return Attempt(
        "/wiki/brand-new/edit/",
        {"title": "Brand new", "source": "A whole new article.\n", "summary": ""},
        "A whole new article.\n",
    )


def move(scene):
    return Attempt("/wiki/gardens/move/", {"title": "Walled gardens"}, "Walled gardens")


def revert(scene):
    return Attempt("/wiki/gardens/revert/1/", {}, None)


def undo(scene):
    article = Article.objects.select_related("current_revision").get(slug="gardens")
    undone = wiki.prepare_undo(article=article, number=2, contributor=contributor(scene["user"]))
    return Attempt(
        "/wiki/gardens/edit/",
        {"source": undone.source, "summary": undone.summary, "base_number": undone.base_number},
        undone.source,
    )


def rollback(scene):
    return Attempt("/wiki/gardens/rollback/", {"revision": 2}, None)


def comment(scene):
    return Attempt(
        "/wiki/gardens/comments/", {"body": "My thoughtful reply."}, "My thoughtful reply."
    )


def comment_anonymously(scene):
    data = {"body": "Signed out reply.", "name": "Robin", "email": "robin@example.test"}
    return Attempt("/wiki/gardens/comments/", data, "Signed out reply.")


def comment_edit(scene):
    url = f"/comments/{scene['comment'].pk}/edit/"
    return Attempt(url, {"body": "A finer comment."}, "A finer comment.")


def flag(scene):
    url = f"/comments/{scene['comment'].pk}/flag/"
    return Attempt(url, {"reason": "Off topic and rude"}, "Off topic and rude")


def flag_anonymously(scene):
    return flag(scene)


def signup(scene):
    data = {
        "username": "newcomer",
        "email": "newcomer@example.test",
        "password1": "a long pass phrase 42",
        "password2": "a long pass phrase 42",
    }
    return Attempt("/accounts/signup/", data, None)


# (the path, who writes: "user", "moderator" or None for a signed-out writer, what is blocked)
PATHS = [
    (edit, "user", "editing"),
    (create, "user", "editing"),
    (move, "user", "editing"),
    (revert, "user", "editing"),
    (undo, "user", "editing"),
    (rollback, "moderator", "editing"),
    (comment, "user", "commenting"),
    (comment_anonymously, None, "commenting"),
    (comment_edit, "user", "commenting"),
    (flag, "user", "commenting"),
    (flag_anonymously, None, "commenting"),
    (signup, None, "sign-up"),
]


@pytest.mark.parametrize(("path", "writer", "what"), PATHS, ids=[p[0].__name__ for p in PATHS])
def test_every_write_path_refuses_a_blocked_writer_hands_their_text_back_and_saves_nothing(
    settings, scene, user, moderator, path, writer, what
):
    settings.WIKI_ANONYMOUS_EDITS = True
    scene["user"] = user
    attempt = path(scene)
    blocks.block(by=moderator, network=BLOCKED_RANGE, reason=REASON)
    client = Client()
    if writer is not None:
        client.force_login(user if writer == "user" else moderator)
    before = counts()

    response = client.post(attempt.url, attempt.data)

    assert response.status_code == 403
    assert counts() == before
    body = response.content.decode()
    assert REASON in body
    assert f'href="/users/{moderator.username}/"' in body  # who blocked, and whom to ask
    assert "never" in body  # when it ends
    heading = re.search(r"<h1>(.*?)</h1>", body).group(1)
    assert (what in heading) if what != "sign-up" else ("Accounts cannot be made" in heading)
    assert "127.0.0" not in body  # the address or range is not shown to the blocked person
    if attempt.handed_back is not None:
        assert hands_back(body, attempt.handed_back), body


@pytest.mark.parametrize(("path", "writer", "what"), PATHS, ids=[p[0].__name__ for p in PATHS])
def test_without_the_block_each_path_writes(settings, scene, user, moderator, path, writer, what):
    """The same requests go through once the block is lifted: the 403 above was the block."""
    settings.WIKI_ANONYMOUS_EDITS = True
    scene["user"] = user
    attempt = path(scene)
    made = blocks.block(by=moderator, network=BLOCKED_RANGE, reason=REASON)
    blocks.unblock(block=made, by=moderator)
    client = Client()
    if writer is not None:
        client.force_login(user if writer == "user" else moderator)
    before = counts()
    response = client.post(attempt.url, attempt.data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert counts() != before


def test_a_blocked_account_is_refused_from_any_address_and_others_there_write(
    scene, user, other_user, moderator
):
    blocks.block(by=moderator, user=user, scope=BlockScope.COMMENT, reason=REASON)
    blocked = Client()
    blocked.force_login(user)
    response = blocked.post(
        "/wiki/gardens/comments/", {"body": "Let me in."}, REMOTE_ADDR="192.0.2.50"
    )
    assert response.status_code == 403
    assert "Your account is blocked from commenting" in response.content.decode()
    free = Client()
    free.force_login(other_user)
    assert free.post("/wiki/gardens/comments/", {"body": "Hello."}).status_code == 302
    # The comment block leaves editing open.
    edited = blocked.post(
        "/wiki/gardens/edit/", {"source": "Edited while blocked from comments.\n", "base_number": 2}
    )
    assert edited.status_code == 302


def test_a_blocked_writer_still_reads_everything(scene, user, moderator):
    blocks.block(by=moderator, network=BLOCKED_RANGE, reason=REASON)
    client = Client()
    client.force_login(user)
    for url in (
        "/",
        "/wiki/gardens/",
        "/wiki/gardens/history/",
        "/wiki/gardens/diff/1/2/",
        "/recent/",
    ):
        assert client.get(url).status_code == 200, url


def test_sign_up_from_a_blocked_range_is_refused_even_on_the_form_and_allowed_elsewhere(
    moderator,
):
    blocks.block(by=moderator, network="127.0.0.0/24", scope=BlockScope.EDIT, reason=REASON)
    response = Client().get("/accounts/signup/")
    assert response.status_code == 403
    assert "Accounts cannot be made from here" in response.content.decode()
    elsewhere = Client(REMOTE_ADDR="192.0.2.80").post(
        "/accounts/signup/",
        {
            "username": "elsewhere",
            "email": "elsewhere@example.test",
            "password1": "a long pass phrase 42",
            "password2": "a long pass phrase 42",
        },
    )
    assert elsewhere.status_code == 302
    assert get_user_model().objects.filter(username="elsewhere").exists()


def test_the_blocked_page_says_when_a_block_ends_and_names_the_moderators(scene, user, moderator):
    second = UserFactory(username="second-mod")
    second.groups.add(*moderator.groups.all())
    ends = timezone.now() + datetime.timedelta(days=3)
    blocks.block(by=moderator, user=user, expires_at=ends, reason=REASON)
    client = Client()
    client.force_login(user)
    body = client.post("/wiki/gardens/comments/", {"body": "Hi."}).content.decode()
    assert f"{ends:%-d %B %Y, %H:%M} UTC" in body
    assert 'href="/users/second-mod/"' in body and 'href="/users/mod/"' in body
