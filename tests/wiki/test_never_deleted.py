"""Nothing anyone writes is ever hard-deleted: ORM, queryset, raw SQL (PostgreSQL)."""

import pytest
from django.db import DatabaseError, connection, transaction

from commons.undeletable import HardDeleteForbidden
from tests.wiki.helpers import make_article
from wiki.models import Article, Revision

pytestmark = pytest.mark.django_db


def test_deleting_an_article_or_revision_object_raises(user):
    article = make_article(texts=("a\n", "b\n"), user=user)
    with pytest.raises(HardDeleteForbidden):
        article.delete()
    with pytest.raises(HardDeleteForbidden):
        article.revisions.first().delete()
    assert Article.objects.count() == 1
    assert Revision.objects.count() == 2


def test_deleting_through_querysets_raises(user):
    make_article(texts=("a\n", "b\n"), user=user)
    with pytest.raises(HardDeleteForbidden):
        Revision.objects.all().delete()
    with pytest.raises(HardDeleteForbidden):
        Article.objects.filter(slug="sample-article").delete()
    assert Revision.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.parametrize("table", ["wiki_article", "wiki_revision"])
def test_raw_sql_delete_is_rejected_by_the_database(user, table):
    make_article(texts=("a\n", "b\n"), user=user)
    with (
        pytest.raises(DatabaseError, match="never deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    assert Revision.objects.count() == 2


@pytest.mark.postgres
def test_raw_sql_cannot_rewrite_a_revisions_text(user):
    article = make_article(texts=("original\n",), user=user)
    with (
        pytest.raises(DatabaseError, match="never change"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE wiki_revision SET source = 'forged'")
    assert article.revisions.get().source == "original\n"


@pytest.mark.postgres
def test_the_stored_html_may_be_refreshed(user):
    article = make_article(texts=("original\n",), user=user)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE wiki_revision SET html = '<p>fresh</p>'")
    assert article.revisions.get().html == "<p>fresh</p>"


@pytest.mark.postgres
@pytest.mark.parametrize(
    "table",
    [
        "comments_comment",
        "comments_commentedit",
        "moderation_moderationcase",
        "moderation_moderationevent",
        "moderation_flag",
    ],
)
def test_raw_sql_cannot_delete_discussion_or_moderation_records(user, table):
    from comments.services import CommentAuthor, edit_comment, post_comment
    from moderation.services import flag

    article = make_article(texts=("a\n",), user=user)
    comment = post_comment(
        article=article, body="first", author=CommentAuthor(user=user, ip="192.0.2.1")
    )
    edit_comment(comment=comment, body="second", editor=user)
    flag(content=comment, reporter=None, reporter_key="ip:192.0.2.9", reason="rude")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
        (before,) = cursor.fetchone()
    assert before > 0
    with (
        pytest.raises(DatabaseError, match="never deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
