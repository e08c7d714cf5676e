import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commons import events
from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services, tasks
from wiki.events import RevisionSaved
from wiki.models import Article, ArticleRedirect, Revision, WikiLink

pytestmark = pytest.mark.django_db


def test_first_save_creates_the_article_with_revision_one(user):
    result = services.save_edit(
        slug="solar-punk",
        title="Solar punk",
        source="Bright futures.\r\nTogether.",
        summary="New",
        base_number=None,
        contributor=contributor(user),
    )
    article = Article.objects.get(slug="solar-punk")
    assert result.created_article
    assert article.current_revision == result.revision
    assert result.revision.number == 1
    assert result.revision.source == "Bright futures.\nTogether."
    assert result.revision.author == user
    assert result.revision.author_name == user.username
    assert result.revision.author_ip == "203.0.113.7"
    assert "<p>Bright futures." in result.revision.html


def test_each_edit_adds_the_next_revision_and_keeps_the_old_ones(user):
    article = make_article(texts=("one\n", "two\n", "three\n"), user=user)
    numbers = list(article.revisions.order_by("number").values_list("number", "source"))
    assert numbers == [(1, "one\n"), (2, "two\n"), (3, "three\n")]
    assert article.current_revision.number == 3


def test_size_change_is_recorded_per_revision(user):
    article = make_article(texts=("abc\n", "abcdef\n", "a\n"), user=user)
    changes = list(article.revisions.order_by("number").values_list("size_change", flat=True))
    assert changes == [4, 3, -5]


def test_an_edit_from_an_old_revision_on_other_lines_is_merged(user, other_user):
    article = make_article(texts=("a\nb\nc\nd\ne\n",), user=user)
    services.save_edit(
        slug=article.slug,
        title=article.title,
        source="a\nB!\nc\nd\ne\n",
        base_number=1,
        contributor=contributor(other_user),
    )
    result = services.save_edit(
        slug=article.slug,
        title=article.title,
        source="a\nb\nc\nd\nE!\n",
        base_number=1,
        contributor=contributor(user),
    )
    assert result.merged
    assert result.revision.number == 3
    assert result.revision.source == "a\nB!\nc\nd\nE!\n"


def test_overlapping_edits_show_a_conflict_and_keep_both_texts(user, other_user):
    article = make_article(texts=("The sky is blue.\n",), user=user)
    services.save_edit(
        slug=article.slug,
        title=article.title,
        source="The sky is grey.\n",
        base_number=1,
        contributor=contributor(other_user),
    )
    with pytest.raises(services.EditConflict) as conflict:
        services.save_edit(
            slug=article.slug,
            title=article.title,
            source="The sky is green.\n",
            base_number=1,
            contributor=contributor(user),
        )
    assert conflict.value.source == "The sky is green.\n"
    assert conflict.value.current.source == "The sky is grey.\n"
    assert article.revisions.count() == 2


def test_saving_the_same_text_adds_no_revision(user):
    article = make_article(texts=("same\n",), user=user)
    with pytest.raises(services.NothingChanged):
        services.save_edit(
            slug=article.slug,
            title=article.title,
            source="same\r\n",
            base_number=1,
            contributor=contributor(user),
        )
    assert article.revisions.count() == 1


@pytest.mark.parametrize(
    ("title", "code"),
    [("", "required"), ("   ", "required"), ("x" * 201, "max_length"), ("!!! ???", "no_slug")],
)
def test_bad_titles_are_refused_with_a_reason(user, title, code):
    with pytest.raises(ValidationError) as error:
        services.save_edit(
            slug="anything",
            title=title,
            source="text",
            base_number=None,
            contributor=contributor(user),
        )
    assert error.value.code == code
    assert not Article.objects.exists()


def test_a_title_whose_address_is_taken_is_refused(user):
    make_article(title="Commons", user=user)
    with pytest.raises(ValidationError) as error:
        services.save_edit(
            slug="commons-2",
            title="COMMONS",
            source="other text",
            base_number=None,
            contributor=contributor(user),
        )
    assert "already belongs to another article" in str(error.value)
    assert Article.objects.count() == 1


def test_text_over_the_size_limit_is_refused(user, settings):
    settings.WIKI_MAX_SOURCE_BYTES = 100
    with pytest.raises(ValidationError) as error:
        services.save_edit(
            slug="big",
            title="Big",
            source="é" * 51,
            base_number=None,
            contributor=contributor(user),
        )
    assert error.value.code == "too_large"


def test_nul_bytes_are_refused(user):
    with pytest.raises(ValidationError) as error:
        services.save_edit(
            slug="nul",
            title="Nul",
            source="a\x00b",
            base_number=None,
            contributor=contributor(user),
        )
    assert error.value.code == "nul"


def test_revert_adds_a_new_revision_with_the_old_text(user):
    article = make_article(texts=("good\n", "vandalized\n"), user=user)
    revision = services.revert_article(article=article, number=1, contributor=contributor(user))
    assert revision.number == 3
    assert revision.source == "good\n"
    assert revision.summary == "Reverted to revision 1"
    assert Revision.objects.get(article=article, number=2).source == "vandalized\n"


def test_move_renames_and_the_old_address_redirects(user):
    article = make_article(title="Old name", texts=("text\n",), user=user)
    revision = services.move_article(
        article=article, new_title="New name", contributor=contributor(user)
    )
    article.refresh_from_db()
    assert article.slug == "new-name"
    assert article.title == "New name"
    assert revision.title == "New name"
    assert revision.source == "text\n"
    assert ArticleRedirect.objects.get(old_slug="old-name").article == article


def test_move_onto_another_articles_address_is_refused(user):
    make_article(title="Taken", user=user)
    article = make_article(title="Mine", user=user)
    with pytest.raises(ValidationError):
        services.move_article(article=article, new_title="Taken", contributor=contributor(user))


def test_archive_and_restore_need_a_moderator_and_keep_history(user, moderator):
    article = make_article(texts=("a\n", "b\n"), user=user)
    with pytest.raises(PermissionDenied):
        services.archive_article(article=article, moderator=contributor(user))
    services.archive_article(article=article, moderator=contributor(moderator))
    assert not Article.objects.live().filter(pk=article.pk).exists()
    assert article.revisions.count() == 2
    services.restore_article(article=article, moderator=contributor(moderator))
    assert Article.objects.live().filter(pk=article.pk).exists()


def test_archived_articles_cannot_be_edited(user, moderator):
    article = make_article(user=user)
    services.archive_article(article=article, moderator=contributor(moderator))
    with pytest.raises(services.ArticleArchived):
        services.save_edit(
            slug=article.slug,
            title=article.title,
            source="new",
            base_number=1,
            contributor=contributor(user),
        )


def test_locked_articles_are_edited_by_moderators_only(user, moderator):
    article = make_article(user=user)
    services.set_article_lock(article=article, locked=True, moderator=contributor(moderator))
    with pytest.raises(services.ArticleLocked):
        services.save_edit(
            slug=article.slug,
            title=article.title,
            source="new\n",
            base_number=1,
            contributor=contributor(user),
        )
    result = services.save_edit(
        slug=article.slug,
        title=article.title,
        source="new\n",
        base_number=1,
        contributor=contributor(moderator),
    )
    assert result.revision.number == 2


def test_hiding_keeps_the_revision_but_not_the_current_one(user, moderator):
    article = make_article(texts=("a\n", "spam\n", "a\n"), user=user)
    mod = contributor(moderator)
    spam = article.revisions.get(number=2)
    services.set_revision_hidden(revision=spam, hidden=True, moderator=mod)
    spam.refresh_from_db()
    assert spam.is_hidden and spam.source == "spam\n"
    with pytest.raises(ValidationError):
        services.set_revision_hidden(
            revision=article.revisions.get(number=3), hidden=True, moderator=mod
        )


def test_link_table_follows_the_current_text(user):
    article = make_article(texts=("[[Alpha]] and [[Beta|b]]\n",), user=user)
    assert set(WikiLink.objects.filter(source=article).values_list("target_slug", flat=True)) == {
        "alpha",
        "beta",
    }
    services.save_edit(
        slug=article.slug,
        title=article.title,
        source="[[Beta]] and [[Gamma]]\n",
        base_number=1,
        contributor=contributor(user),
    )
    assert set(WikiLink.objects.filter(source=article).values_list("target_slug", flat=True)) == {
        "beta",
        "gamma",
    }


def test_red_links_turn_blue_when_the_article_is_created(user, django_capture_on_commit_callbacks):
    linking = make_article(title="Linking", texts=("See [[Target page]].\n",), user=user)
    assert 'class="wikilink new"' in linking.current_revision.html
    with django_capture_on_commit_callbacks(execute=True):
        make_article(title="Target page", user=user)
    linking.current_revision.refresh_from_db()
    assert "wikilink new" not in linking.current_revision.html
    assert 'href="/wiki/target-page/"' in linking.current_revision.html


def test_a_forgotten_user_keeps_their_revisions_under_a_new_name(user, other_user):
    from website.accounts import anonymise_user

    article = make_article(texts=("mine\n",), user=user)
    anonymise_user(user=user, by=other_user)
    revision = article.revisions.get(number=1)
    assert revision.author == user
    assert revision.author_name == f"forgotten-{user.pk}"
    assert revision.source == "mine\n"


ARTICLE_ROW_WRITE = re.compile(r'^\s*(UPDATE|INSERT INTO)\s+"?wiki_article"?\s', re.IGNORECASE)


def article_row_writes(fn, *args, **kwargs):
    """Call fn; return the statements that wrote wiki_article rows ("UPDATE", "INSERT INTO")."""
    with CaptureQueriesContext(connection) as queries:
        fn(*args, **kwargs)
    found = (ARTICLE_ROW_WRITE.match(query["sql"]) for query in queries.captured_queries)
    return [match.group(1).upper() for match in found if match]


def test_a_save_writes_the_article_row_in_one_update(user):
    article = make_article(title="Once", texts=("one\n",), user=user)
    before = Article.objects.only("version").get(pk=article.pk).version
    writes = article_row_writes(
        services.save_edit,
        slug=article.slug,
        title=article.title,
        source="two, with [[Elsewhere]]\n",
        base_number=1,
        contributor=contributor(user),
    )
    assert writes == ["UPDATE"]
    article = Article.objects.select_related("current_revision").get(pk=article.pk)
    assert article.current_revision.number == 2
    assert article.updated_at == article.current_revision.created_at
    assert article.version == before + 1
    assert Article.objects.filter(pk=article.pk, search_text__contains="two, with").exists()


def test_creating_reverting_and_moving_write_the_article_row_once_each(user):
    created = article_row_writes(
        services.save_edit,
        slug="fresh",
        title="Fresh",
        source="new\n",
        base_number=None,
        contributor=contributor(user),
    )
    assert created == ["INSERT INTO", "UPDATE"]
    article = make_article(title="Kept", texts=("one\n", "two\n"), user=user)
    reverted = article_row_writes(
        services.revert_article, article=article, number=1, contributor=contributor(user)
    )
    assert reverted == ["UPDATE"]
    moved = article_row_writes(
        services.move_article, article=article, new_title="Stale", contributor=contributor(user)
    )
    assert moved == ["UPDATE"]
    article = Article.objects.select_related("current_revision").get(pk=article.pk)
    assert (article.slug, article.title, article.current_revision.title) == ("stale",) + (
        "Stale",
    ) * 2


def test_archiving_and_locking_write_the_article_row_once_each(user, moderator):
    article = make_article(user=user)
    mod = contributor(moderator)
    assert article_row_writes(services.archive_article, article=article, moderator=mod) == [
        "UPDATE"
    ]
    assert article_row_writes(services.restore_article, article=article, moderator=mod) == [
        "UPDATE"
    ]
    assert article_row_writes(
        services.set_article_lock, article=article, locked=True, moderator=mod
    ) == ["UPDATE"]
    article = Article.objects.get(pk=article.pk)
    assert article.is_locked and article.locked_by == moderator and not article.is_archived


def test_a_save_announces_its_revision_after_commit(user, monkeypatch, committed):
    monkeypatch.setattr(events, "_listeners", events.defaultdict(list))
    heard = []
    events.listen(RevisionSaved, heard.append)
    revision = committed(make_article, user=user).current_revision
    assert heard == [RevisionSaved(revision_id=revision.pk)]


def test_linking_articles_are_re_rendered_by_a_task_by_slug_after_commit(
    user, moderator, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.refresh_links_to, "delay", sent.append)
    make_article(title="Linking", texts=("See [[Target page]] and [[Old]].\n",), user=user)
    with django_capture_on_commit_callbacks() as callbacks:
        make_article(title="Target page", user=user)
    assert sent == []  # nothing is re-rendered inside the request's transaction
    for callback in callbacks:
        callback()
    assert sent == [["target-page"]]
    article = make_article(title="Old", user=user)
    services.move_article(article=article, new_title="Newer", contributor=contributor(user))
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.archive_article(article=article, moderator=contributor(moderator))
    assert sent == [["newer", "old"]]


def test_moderators_are_known_by_their_role_not_by_what_the_caller_says(user, moderator):
    article = make_article(user=user)
    for gate in (
        lambda who: services.archive_article(article=article, moderator=who),
        lambda who: services.set_article_lock(article=article, locked=True, moderator=who),
        lambda who: services.set_revision_hidden(
            revision=article.current_revision, hidden=False, moderator=who
        ),
    ):
        with pytest.raises(PermissionDenied):
            gate(contributor(user))
        with pytest.raises(PermissionDenied):
            gate(contributor(None))
    services.set_article_lock(article=article, locked=True, moderator=contributor(moderator))
    assert Article.objects.get(pk=article.pk).is_locked


def test_a_moved_article_links_to_its_new_address_as_a_live_one(user):
    article = make_article(title="Old name", texts=("See [[New name]].\n",), user=user)
    revision = services.move_article(
        article=article, new_title="New name", contributor=contributor(user)
    )
    assert 'href="/wiki/new-name/"' in revision.html
    assert "wikilink new" not in revision.html


def test_a_broker_that_is_down_loses_only_the_re_rendering(
    user, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def broker_down(slugs):
        raise OSError("broker down")

    monkeypatch.setattr(tasks.refresh_links_to, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(title="Target page", user=user)
    assert Article.objects.get(pk=article.pk).current_revision.number == 1
    assert "broker down" in caplog.text
