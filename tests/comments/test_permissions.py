"""Who may change a comment, asked of the user alone: one predicate and one gate."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import Comment
from comments.permissions import can_change_comment, get_comment_for_change_or_404
from moderation.states import Status
from tests.comments.helpers import post, signed_in
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", user=moderator)


@pytest.fixture
def comment(article, user):
    return post(article, "Mine", author=signed_in(user))


def test_authors_and_moderators_may_change_a_comment_and_no_one_else(
    comment, user, other_user, moderator
):
    assert can_change_comment(user, comment)
    assert can_change_comment(moderator, comment)
    assert not can_change_comment(other_user, comment)
    assert not can_change_comment(AnonymousUser(), comment)


def test_an_anonymous_comment_is_no_anonymous_readers_to_change(article):
    anonymous_comment = post(article, "From a stranger")
    assert not can_change_comment(AnonymousUser(), anonymous_comment)


def test_the_gate_loads_checks_and_answers_404_or_403(article, comment, user, other_user):
    assert get_comment_for_change_or_404(user, comment.pk) == comment
    with pytest.raises(PermissionDenied):
        get_comment_for_change_or_404(other_user, comment.pk)
    with pytest.raises(Http404):
        get_comment_for_change_or_404(user, 999_999)
    root = Comment.objects.get(article=article, parent__isnull=True)
    with pytest.raises(Http404):
        get_comment_for_change_or_404(user, root.pk)  # the invisible thread root


def test_the_gate_locks_the_comment_alone_when_asked(comment, moderator):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked = get_comment_for_change_or_404(moderator, comment.pk, lock=True)
    assert locked.article.pk == comment.article_id  # loaded with its article
    if connection.features.has_select_for_update_of:
        (load,) = [q["sql"] for q in queries if "comments_comment" in q["sql"]]
        assert 'FOR UPDATE OF "comments_comment"' in load


def test_a_moderator_edits_anyones_comment_without_saying_so(comment, moderator, user):
    services.edit_comment(comment=comment, body="Tidied.", editor=moderator)
    comment.refresh_from_db()
    assert comment.body == "Tidied."
    edit = comment.edits.get()
    assert edit.replaced_by == moderator


def test_services_take_no_word_for_who_is_a_moderator(comment, other_user):
    for call in (
        lambda: services.edit_comment(comment=comment, body="Theirs", editor=other_user),
        lambda: services.remove_comment(comment=comment, by=other_user),
        lambda: services.restore_comment(comment=comment, by=other_user),
    ):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(TypeError):
        services.remove_comment(comment=comment, by=other_user, is_moderator=True)
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Mine", Status.PENDING)
