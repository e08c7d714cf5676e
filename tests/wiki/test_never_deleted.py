"""Nothing anyone writes is ever hard-deleted: ORM, queryset, raw SQL (PostgreSQL)."""

import pytest
from django.db import DatabaseError, connection, transaction

from commons.undeletable import HardDeleteForbidden
from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki.models import Article, ArticleRedirect, Revision

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


def _moved_article(user):
    from wiki.services import move_article

    article = make_article(title="Old name", texts=("a\n",), user=user)
    move_article(article=article, new_title="New name", contributor=contributor(user))
    return article


def test_a_redirect_left_by_a_move_cannot_be_deleted_by_the_orm(user):
    article = _moved_article(user)
    redirect = ArticleRedirect.objects.get(old_slug="old-name")
    with pytest.raises(HardDeleteForbidden):
        redirect.delete()
    with pytest.raises(HardDeleteForbidden):
        ArticleRedirect.objects.all().delete()
    with pytest.raises(HardDeleteForbidden):
        article.redirects.all().delete()
    assert ArticleRedirect.objects.get(old_slug="old-name").article == article


@pytest.mark.postgres
def test_raw_sql_cannot_delete_a_redirect(client, user):
    _moved_article(user)
    with (
        pytest.raises(DatabaseError, match="never deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM wiki_articleredirect")
    assert client.get("/wiki/old-name/")["Location"] == "/wiki/new-name/"


KEPT_TABLES = [
    "wiki_article",
    "wiki_revision",
    "wiki_articleredirect",
    "comments_comment",
    "comments_commentedit",
    "moderation_moderationcase",
    "moderation_moderationevent",
    "moderation_flag",
    "auth_user",
]


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in KEPT_TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            (counts[table],) = cursor.fetchone()
    return counts


@pytest.fixture
def everything_kept(user):
    """One row at least in every kept table: a moved article, a comment edited and flagged."""
    from comments.services import CommentAuthor, edit_comment, post_comment
    from moderation.services import flag

    article = _moved_article(user)
    comment = post_comment(
        article=article, body="first", author=CommentAuthor(user=user, ip="192.0.2.1")
    )
    edit_comment(comment=comment, body="second", editor=user)
    flag(content=comment, reporter=None, reporter_key="ip:192.0.2.9", reason="rude")
    counts = _row_counts()
    assert all(counts.values()), counts
    return counts


def _as_in_a_fresh_transaction(cursor) -> None:
    # The test's own transaction still holds deferred foreign-key checks, which PostgreSQL
    # refuses to TRUNCATE past whatever the triggers say; run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.postgres
@pytest.mark.parametrize("cascade", ["", " CASCADE"], ids=["plain", "cascade"])
@pytest.mark.parametrize("table", KEPT_TABLES)
def test_truncate_is_rejected_on_every_kept_table(everything_kept, table, cascade):
    # Without CASCADE, PostgreSQL itself refuses a table that others reference, first.
    refusal = "never truncated" if cascade else "never truncated|referenced in a foreign key"
    with (
        pytest.raises(DatabaseError, match=refusal),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        _as_in_a_fresh_transaction(cursor)
        cursor.execute(f"TRUNCATE {table}{cascade}")
    assert _row_counts() == everything_kept


@pytest.mark.postgres
def test_what_manage_py_flush_runs_is_rejected_outside_the_test_runners_reset(everything_kept):
    from django.core.management.color import no_style
    from django.core.management.sql import sql_flush

    statements = sql_flush(no_style(), connection, reset_sequences=True, allow_cascade=True)
    with (
        pytest.raises(DatabaseError, match="never truncated"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        _as_in_a_fresh_transaction(cursor)
        for statement in statements:
            cursor.execute(statement)
    assert _row_counts() == everything_kept


@pytest.mark.django_db(transaction=True)
def test_the_test_runner_may_still_empty_the_database_between_tests(user):
    from django.core.management import call_command

    make_article(texts=("a\n",), user=user)
    call_command("flush", interactive=False, verbosity=0)
    assert not Article.objects.exists()
    assert not Revision.objects.exists()
