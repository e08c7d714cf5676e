import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError

from comments import services
from comments.models import Comment, CommentEdit
from comments.trees import tree_problems
from moderation.states import Status
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services as wiki_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(user):
    return make_article(title="Gardens", user=user)


@pytest.fixture
def trusted(django_user_model):
    person = django_user_model.objects.create_user("trusted", "t@example.test", "pw")
    person.groups.add(Group.objects.get_or_create(name="moderators")[0])
    return person


def test_anonymous_comments_wait_and_trusted_ones_are_published(article, trusted):
    held = post(article, "Hello from a stranger")
    published = post(article, "Hello from a moderator", author=signed_in(trusted))
    assert held.status == Status.PENDING
    assert published.status == Status.PUBLISHED
    assert held.author_email == "robin.secret@example.test"
    assert published.author == trusted


def test_users_become_trusted_after_enough_published_contributions(article, user, settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 2
    assert post(article, "first", author=signed_in(user)).status == Status.PENDING
    make_article(title="More", texts=("a\n",), user=user)
    assert post(article, "now trusted", author=signed_in(user)).status == Status.PUBLISHED


def test_replies_nest_and_every_article_has_one_valid_tree(article, trusted):
    author = signed_in(trusted)
    first = post(article, "first", author=author)
    reply = post(article, "reply", author=author, parent=first)
    deeper = post(article, "deeper", author=author, parent=reply)
    second = post(article, "second", author=author)
    assert (first.level, reply.level, deeper.level, second.level) == (1, 2, 3, 1)
    assert Comment.objects.filter(article=article, parent__isnull=True).count() == 1
    assert tree_problems(first.tree_id) == []
    other = make_article(title="Elsewhere")
    elsewhere = post(other, "other tree", author=author)
    assert elsewhere.tree_id != first.tree_id


def test_replies_past_the_maximum_depth_attach_at_the_deepest_level(article, trusted, settings):
    settings.COMMENTS_MAX_DEPTH = 3
    author = signed_in(trusted)
    parent = post(article, "level 1", author=author)
    for _ in range(4):
        parent = post(article, "deeper", author=author, parent=parent)
    assert parent.level == 3
    assert tree_problems(parent.tree_id) == []


def test_comments_remember_the_revision_they_were_written_on(article, user, trusted):
    comment = post(article, "About the first text", author=signed_in(trusted))
    assert comment.revision.number == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "write something"), ("   \n ", "write something"), ("x" * 10_001, "at most 10,000")],
)
def test_empty_or_over_long_text_is_refused(article, body, message):
    with pytest.raises(ValidationError, match=message):
        post(article, body)
    assert not Comment.objects.comments().exists()


def test_a_reply_to_another_articles_comment_is_refused(article, trusted):
    other = make_article(title="Elsewhere")
    foreign = post(other, "there", author=signed_in(trusted))
    with pytest.raises(ValidationError, match="not in this discussion"):
        post(article, "reply", parent=foreign)


def test_a_reply_to_a_missing_or_removed_comment_is_refused(article, trusted):
    gone = post(article, "soon removed", author=signed_in(trusted))
    services.remove_comment(comment=gone, by=trusted)
    with pytest.raises(ValidationError, match="has been removed"):
        post(article, "reply", parent=gone)
    with pytest.raises(ValidationError, match="not in this discussion"):
        services.post_comment(article=article, body="x", author=anonymous(), parent_id=999_999)


def test_archived_or_locked_articles_take_no_comments(article, moderator):
    mod = contributor(moderator)
    wiki_services.set_article_lock(article=article, locked=True, moderator=mod)
    with pytest.raises(ValidationError, match="locked"):
        post(article, "hello")
    wiki_services.set_article_lock(article=article, locked=False, moderator=mod)
    wiki_services.archive_article(article=article, moderator=mod)
    with pytest.raises(ValidationError, match="archived"):
        post(article, "hello")


def test_the_same_form_submitted_twice_makes_one_comment(article):
    key = uuid.uuid4()
    first = post(article, "once", submission_key=key)
    second = post(article, "once", submission_key=key)
    assert first.pk == second.pk
    assert Comment.objects.comments().count() == 1


def test_anonymous_commenters_need_a_name_and_email(article):
    with pytest.raises(ValidationError, match="name and an e-mail"):
        post(article, "hi", author=services.CommentAuthor(name="", email=""))


def test_editing_keeps_the_earlier_text(article, user):
    comment = post(article, "Frist!", author=signed_in(user))
    services.edit_comment(comment=comment, body="First!", editor=user)
    comment.refresh_from_db()
    assert comment.body == "First!"
    assert comment.edited_at is not None
    assert list(CommentEdit.objects.filter(comment=comment).values_list("body", flat=True)) == [
        "Frist!"
    ]


def test_only_the_author_or_a_moderator_changes_a_comment(article, user, other_user, moderator):
    comment = post(article, "mine", author=signed_in(user))
    with pytest.raises(PermissionDenied):
        services.edit_comment(comment=comment, body="theirs", editor=other_user)
    with pytest.raises(PermissionDenied):
        services.remove_comment(comment=comment, by=other_user)
    services.remove_comment(comment=comment, by=moderator)
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED


def test_removing_keeps_the_replies_and_restore_returns_the_old_state(article, trusted, moderator):
    author = signed_in(trusted)
    parent = post(article, "parent", author=author)
    child = post(article, "child", author=author, parent=parent)
    services.remove_comment(comment=parent, by=trusted)
    parent.refresh_from_db()
    child.refresh_from_db()
    assert parent.status == Status.REMOVED and parent.status_before_removal == Status.PUBLISHED
    assert child.parent_id == parent.pk and child.status == Status.PUBLISHED
    services.restore_comment(comment=parent, by=moderator)
    parent.refresh_from_db()
    assert parent.status == Status.PUBLISHED


def test_comments_are_never_hard_deleted(article, trusted):
    from commons.undeletable import HardDeleteForbidden

    comment = post(article, "stays", author=signed_in(trusted))
    with pytest.raises(HardDeleteForbidden):
        comment.delete()
    with pytest.raises(HardDeleteForbidden):
        Comment.objects.all().delete()
    assert Comment.objects.comments().count() == 1


def test_a_forgotten_user_keeps_their_comments_under_a_new_name(article, user, other_user):
    from website.accounts import anonymise_user

    comment = post(article, "I was here", author=signed_in(user))
    anonymise_user(user=user, by=other_user)
    comment.refresh_from_db()
    assert comment.author == user
    assert comment.author_name == f"forgotten-{user.pk}"
    assert comment.body == "I was here"


def test_the_tree_checker_finds_and_repairs_a_broken_tree(article, trusted):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    author = signed_in(trusted)
    first = post(article, "a", author=author)
    post(article, "b", author=author, parent=first)
    Comment.objects.filter(pk=first.pk).update(rght=99)
    with pytest.raises(CommandError):
        call_command("check_comment_trees", stdout=StringIO())
    out = StringIO()
    call_command("check_comment_trees", "--repair", stdout=out)
    assert "repaired" in out.getvalue()
    call_command("check_comment_trees", stdout=StringIO())
