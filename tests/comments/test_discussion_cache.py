"""Readers who see the discussion as everyone does get it from the cache; every change to
it shows on their next visit, and a cache outage only means rendering it again."""

import pytest
from django.test import Client

from comments.services import edit_comment, remove_comment, restore_comment
from moderation import services as moderation
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services as wiki

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(user):
    return make_article(title="Talked about", user=user)


@pytest.fixture
def comment(article, moderator):
    return post(article, "The original remark.", author=signed_in(moderator))


def page(article) -> str:
    """The page as a fresh anonymous reader sees it (no session, so the cached path)."""
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_comment_shows_to_readers_who_had_the_discussion_cached(article, comment, moderator):
    assert "The original remark." in page(article)
    post(article, "A second voice.", author=signed_in(moderator), parent=comment)
    assert "A second voice." in page(article)


def test_edits_removals_and_restores_show_at_once(article, comment, moderator):
    page(article)
    edit_comment(comment=comment, body="The remark, corrected.", editor=moderator)
    assert "The remark, corrected." in page(article)

    remove_comment(comment=comment, by=moderator)
    assert "The remark, corrected." not in page(article)
    assert "[removed]" in page(article)

    restore_comment(comment=comment, by=moderator)
    assert "The remark, corrected." in page(article)


def test_a_held_comment_appears_when_a_moderator_approves_it(article, comment, moderator):
    held = post(article, "Waiting for a person.", author=anonymous())
    assert "Waiting for a person." not in page(article)

    moderation.approve(case=moderation.case_for(held), moderator=moderator)

    assert "Waiting for a person." in page(article)


def test_flags_from_three_readers_hide_a_cached_comment(article, comment):
    assert "The original remark." in page(article)
    for reader in range(3):
        moderation.flag(content=comment, reporter=None, reporter_key=f"r{reader}", reason="rude")
    assert "The original remark." not in page(article)


def test_a_new_revision_marks_earlier_comments_as_written_on_an_older_one(article, comment, user):
    assert "on revision 1" not in page(article)
    wiki.save_edit(
        slug=article.slug,
        title=article.title,
        source="A new text.\n",
        base_number=1,
        contributor=contributor(user),
    )
    assert "on revision 1" in page(article)


def test_the_author_sees_their_own_controls_not_the_cached_page(client, article, user):
    mine = post(article, "My own words.", author=signed_in(user))
    page(article)
    client.force_login(user)

    html = client.get(article.get_absolute_url()).content.decode()

    assert f"/comments/{mine.pk}/edit/" in html
    assert f"/comments/{mine.pk}/edit/" not in page(article)


def test_with_the_cache_unreachable_the_discussion_still_renders(settings, article, comment):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert "The original remark." in page(article)
