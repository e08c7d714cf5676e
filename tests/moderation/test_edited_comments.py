"""An untrusted author's edit of a comment goes through the spam check as a new comment does.

Tasks run eagerly against the fake Akismet (the `committed` fixture runs the on-commit
sends), as in test_pipeline.py.
"""

import pytest
from django.test import Client

from comments import services as comments
from comments.models import Comment
from moderation import services
from moderation.models import CheckState, ModerationCase, Verdict
from moderation.states import Status
from tests.comments.helpers import post, signed_in
from tests.fakes.akismet import SPAM_MARKER
from tests.moderation.queue_helpers import case_of
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db

SPAM = f"Zqxedited cheap pills {SPAM_MARKER}"


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def published_comment(committed, article, user, body="Lovely gardens."):
    comment = committed(post, article, body, author=signed_in(user))
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    return comment


def page(client: Client) -> str:
    return client.get("/wiki/gardens/").content.decode()


def test_spam_edited_into_a_published_comment_is_caught_and_reaches_no_reader(
    akismet_fake, article, user, committed
):
    comment = published_comment(committed, article, user)
    committed(comments.edit_comment, comment=comment, body=SPAM, editor=user)
    assert akismet_fake.calls_to("comment-check")[-1].params["comment_content"] == SPAM
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert "Zqxedited" not in page(Client())
    assert "Zqxedited" not in Client().get("/recent/?tab=comments").content.decode()
    moves = list(case_of(comment).events.order_by("id").values_list("to_status", "actor_kind"))
    assert moves[-2:] == [(Status.PENDING, "author"), (Status.SPAM, "akismet")]


def test_an_edited_comment_waits_for_the_check_and_only_its_author_sees_it_meanwhile(
    akismet_fake, article, user, committed
):
    comment = published_comment(committed, article, user)
    # The check's send is left waiting (no commit callbacks): as while the worker is busy.
    comments.edit_comment(comment=comment, body="Lovely gardens, zqxsecondthoughts.", editor=user)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    reader = page(Client())
    assert "zqxsecondthoughts" not in reader and "Lovely gardens" not in reader
    author = Client()
    author.force_login(user)
    own = page(author)
    assert "zqxsecondthoughts" in own and "awaiting moderation" in own

    services.run_check(case_id=case_of(comment).pk)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert "zqxsecondthoughts" in page(Client())


def test_a_late_ham_for_the_old_text_does_not_publish_the_new_one(akismet_fake, article, user):
    comment = post(article, "First words.", author=signed_in(user))
    case = case_of(comment)
    comments.edit_comment(comment=comment, body=SPAM, editor=user)
    services.apply_verdict(case_id=case.pk, verdict=Verdict.HAM, checked="First words.")
    case.refresh_from_db()
    comment.refresh_from_db()
    assert (comment.status, case.state) == (Status.PENDING, CheckState.QUEUED)


def test_trusted_authors_and_moderators_edit_without_a_new_check(
    akismet_fake, article, user, moderator, committed, settings
):
    comment = published_comment(committed, article, user)
    checks = len(akismet_fake.calls_to("comment-check"))
    committed(
        comments.edit_comment,
        comment=comment,
        body="Tidied by a moderator.",
        editor=moderator,
    )
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0
    committed(comments.edit_comment, comment=comment, body="Tidied by me.", editor=user)
    assert len(akismet_fake.calls_to("comment-check")) == checks
    assert Comment.objects.get(pk=comment.pk).status == Status.PUBLISHED


def test_without_a_key_an_edited_comment_waits_for_a_moderator(article, user, moderator):
    comment = post(article, "Hello", author=signed_in(user))
    services.approve(case=case_of(comment), moderator=moderator)
    comments.edit_comment(comment=comment, body="Hello again", editor=user)
    comment.refresh_from_db()
    case = case_of(comment)
    assert comment.status == Status.PENDING
    assert case.state == CheckState.NEEDS_REVIEW
    assert ModerationCase.objects.needs_review().filter(pk=case.pk).exists()


def test_the_author_is_told_their_edited_comment_awaits_moderation_again(
    akismet_fake, article, user, committed
):
    comment = published_comment(committed, article, user)
    author = Client()
    author.force_login(user)
    landed = author.post(
        f"/comments/{comment.pk}/edit/", {"body": "Lovely gardens, edited."}, follow=True
    )
    assert "The comment is awaiting moderation again" in landed.content.decode()
