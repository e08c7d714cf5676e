"""Every change of a moderated state goes through moderation's one door: the rules of
moderation.states, a log entry naming who moved it, and the moderator's gate where only
moderators may act. Remove and restore are moves like the others."""

import pytest
from django.core.exceptions import PermissionDenied

from comments import services as comments
from comments.models import Comment
from moderation import services
from moderation.models import Actor, CheckState, ModerationCase, ModerationEvent
from moderation.states import ALLOWED_MOVES, DECISIONS, IllegalMove, Status, check_move
from moderation.views import QueueItem
from tests.comments.helpers import post, signed_in
from tests.moderation.queue_helpers import case_of, held_comment, held_edit
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def last_move(content) -> ModerationEvent:
    return case_of(content).events.order_by("-created_at", "-id").first()


# Remove and restore


@pytest.fixture
def trusted(user, settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0
    return user


def test_an_author_removing_their_comment_is_logged_as_the_author(article, trusted):
    user = trusted
    comment = post(article, "Mine", author=signed_in(user))
    assert not ModerationCase.objects.filter(
        object_id=comment.pk, content_type__model="comment"
    ).exists()  # published at once
    services.remove(content=comment, by=user)
    comment.refresh_from_db()
    assert (comment.status, comment.status_before_removal) == (Status.REMOVED, Status.PUBLISHED)
    move = last_move(comment)
    assert (move.from_status, move.to_status) == (Status.PUBLISHED, Status.REMOVED)
    assert (move.actor_kind, move.actor, move.reason) == (Actor.AUTHOR, user, "Removed")
    assert case_of(comment).status == Status.REMOVED


def test_a_moderator_removing_and_restoring_is_logged_as_the_moderator(article, moderator):
    held = held_comment(article, "Held for a person")
    comments.remove_comment(comment=held, by=moderator)
    removal = last_move(held)
    assert (removal.from_status, removal.to_status) == (Status.PENDING, Status.REMOVED)
    assert (removal.actor_kind, removal.actor) == (Actor.MODERATOR, moderator)

    comments.restore_comment(comment=held, by=moderator)
    held.refresh_from_db()
    assert (held.status, held.status_before_removal) == (Status.PENDING, "")
    restoral = last_move(held)
    assert (restoral.from_status, restoral.to_status) == (Status.REMOVED, Status.PENDING)
    assert (restoral.actor_kind, restoral.actor, restoral.reason) == (
        Actor.MODERATOR,
        moderator,
        "Restored",
    )
    case = case_of(held)
    assert (case.status, case.state) == (Status.PENDING, CheckState.NEEDS_REVIEW)


def test_a_moderator_removing_their_own_comment_is_logged_as_the_author(article, moderator):
    own = post(article, "Mine", author=signed_in(moderator))
    comments.remove_comment(comment=own, by=moderator)
    assert last_move(own).actor_kind == Actor.AUTHOR


def test_restore_is_refused_to_anyone_but_a_moderator_and_nothing_moves(article, user, other_user):
    comment = post(article, "Mine", author=signed_in(user))
    comments.remove_comment(comment=comment, by=user)
    events = ModerationEvent.objects.count()
    for person in (user, other_user):
        with pytest.raises(PermissionDenied):
            comments.restore_comment(comment=comment, by=person)
        with pytest.raises(PermissionDenied):
            services.restore(content=comment, by=person)
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED
    assert ModerationEvent.objects.count() == events


def test_removing_someone_elses_content_needs_a_moderator(article, trusted, other_user):
    comment = post(article, "Mine", author=signed_in(trusted))
    with pytest.raises(PermissionDenied):
        services.remove(content=comment, by=other_user)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert not ModerationCase.objects.filter(
        object_id=comment.pk, content_type__model="comment"
    ).exists()


def test_removing_twice_or_restoring_what_is_not_removed_changes_nothing(article, moderator):
    comment = post(article, "Published", author=signed_in(moderator))
    comments.restore_comment(comment=comment, by=moderator)
    comments.remove_comment(comment=comment, by=moderator)
    comments.remove_comment(comment=comment, by=moderator)
    comments.restore_comment(comment=comment, by=moderator)
    comments.restore_comment(comment=comment, by=moderator)
    moves = [(e.from_status, e.to_status) for e in case_of(comment).events.order_by("id")]
    assert moves == [
        (Status.PUBLISHED, Status.REMOVED),
        (Status.REMOVED, Status.PUBLISHED),
    ]


def test_restore_follows_the_state_kept_at_removal_not_a_stale_copy(article, moderator):
    comment = held_comment(article, "Held")
    stale = Comment.objects.get(pk=comment.pk)
    services.mark_spam(case=case_of(comment), moderator=moderator)
    comments.remove_comment(comment=comment, by=moderator)
    comments.restore_comment(comment=stale, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_a_revision_is_never_removed(article, moderator):
    revision = held_edit(article, "An untrusted edit.\n")
    with pytest.raises(IllegalMove):
        services.remove(content=revision, by=moderator)
    assert case_of(revision).status == Status.PUBLISHED


# The queue's decisions


def test_only_moderators_approve_or_mark_spam(article, user):
    held = held_comment(article)
    for decide in (services.approve, services.mark_spam):
        with pytest.raises(PermissionDenied):
            decide(case=case_of(held), moderator=user)
    held.refresh_from_db()
    assert held.status == Status.PENDING


@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("state", CheckState.values)
def test_the_queue_offers_the_decisions_the_states_allow(status, state):
    item = QueueItem(case=ModerationCase(status=status, state=state), summary=None)
    offered = {Status.PUBLISHED: item.can_approve, Status.SPAM: item.can_mark_spam}
    for target in DECISIONS:
        accepting_live_content = (
            target == status == Status.PUBLISHED and state == CheckState.NEEDS_REVIEW
        )
        assert offered[target] == (target in ALLOWED_MOVES[status] or accepting_live_content)
        if offered[target] and not accepting_live_content:
            check_move(current=status, target=target)
    # What moderators saw before the rules were asked instead of restated.
    assert item.can_approve == (
        status in (Status.PENDING, Status.SPAM)
        or (status == Status.PUBLISHED and state == CheckState.NEEDS_REVIEW)
    )
    assert item.can_mark_spam == (status in (Status.PENDING, Status.PUBLISHED))
