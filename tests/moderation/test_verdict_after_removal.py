"""An Akismet verdict that arrives for content removed while the check ran: the verdict
is kept, the removal stands, and restoring the content applies the verdict then."""

import pytest

from comments import services as comments
from moderation.models import Actor, CheckState, Verdict
from moderation.states import Status
from moderation.tasks import check_content
from tests.comments.helpers import post, signed_in
from tests.fakes.akismet import SPAM_MARKER
from tests.moderation.queue_helpers import case_of
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def removed_while_checked(article, user, body):
    """A new member's comment, removed by its author before the queued check runs; then
    the check task runs (eagerly, as the worker would) and must not fail."""
    comment = post(article, body, author=signed_in(user))  # on_commit not run: still queued
    comments.remove_comment(comment=comment, by=user)
    result = check_content.apply(args=(case_of(comment).pk,))
    assert result.successful(), result.traceback
    comment.refresh_from_db()
    return comment


def test_a_spam_verdict_for_a_removed_comment_is_kept_and_the_removal_stands(
    akismet_fake, article, user, moderator
):
    comment = removed_while_checked(article, user, f"Cheap pills {SPAM_MARKER}")
    case = case_of(comment)
    assert comment.status == Status.REMOVED
    assert (case.status, case.state, case.verdict) == (
        Status.REMOVED,
        CheckState.CHECKED,
        Verdict.SPAM,
    )
    note = case.events.order_by("-id").first()
    assert (note.from_status, note.to_status, note.actor_kind) == (
        Status.REMOVED,
        Status.REMOVED,
        Actor.AKISMET,
    )
    assert "removal stands" in note.reason

    comments.restore_comment(comment=comment, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM  # not back to "pending", where no one would look
    assert case_of(comment).status == Status.SPAM
    moves = list(case_of(comment).events.order_by("id").values_list("to_status", "actor_kind"))
    assert moves[-2:] == [(Status.PENDING, Actor.MODERATOR), (Status.SPAM, Actor.AKISMET)]


def test_a_ham_verdict_for_a_removed_comment_publishes_it_once_restored(
    akismet_fake, article, user, moderator
):
    comment = removed_while_checked(article, user, "A kind word about gardens")
    assert comment.status == Status.REMOVED
    assert case_of(comment).verdict == Verdict.HAM
    comments.restore_comment(comment=comment, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED


def test_restoring_a_removed_comment_with_no_verdict_yet_leaves_it_for_the_check(
    akismet_fake, article, user, moderator
):
    comment = post(article, "Still being checked", author=signed_in(user))
    comments.remove_comment(comment=comment, by=user)
    comments.restore_comment(comment=comment, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING
    assert case_of(comment).state == CheckState.QUEUED
