"""Article pages carry an ETag and Last-Modified; a browser holding the current version of
the page gets a 304, and any change a reader could see gives a full page again."""

import pytest

from tests.comments.helpers import post, signed_in
from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(user):
    return make_article(title="Cached page", texts=["First text.\n"], user=user)


def second_revision(article, user):
    services.save_edit(
        slug=article.slug,
        title=article.title,
        source="Second text.\n",
        base_number=1,
        contributor=contributor(user),
    )


def revalidate(client, article, etag):
    return client.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)


def test_a_page_the_browser_already_has_is_answered_304_without_a_body(client, article):
    first = client.get(article.get_absolute_url())
    assert first.status_code == 200
    assert first["ETag"] and first["Last-Modified"]
    assert "private" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]

    again = revalidate(client, article, first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def test_an_edit_gives_the_new_text_instead_of_a_304(client, article, user):
    etag = client.get(article.get_absolute_url())["ETag"]
    second_revision(article, user)

    response = revalidate(client, article, etag)

    assert response.status_code == 200
    assert b"Second text." in response.content
    assert response["ETag"] != etag


def test_a_new_comment_gives_the_page_again(client, article, moderator):
    etag = client.get(article.get_absolute_url())["ETag"]
    post(article, "Fresh remark in the discussion.", author=signed_in(moderator))

    response = revalidate(client, article, etag)

    assert response.status_code == 200
    assert b"Fresh remark in the discussion." in response.content


def test_a_hidden_revision_and_a_lock_each_change_the_page(client, article, user, moderator):
    second_revision(article, user)
    etag = client.get(article.get_absolute_url())["ETag"]
    services.set_revision_hidden(
        revision=article.revisions.get(number=1),
        hidden=True,
        moderator=contributor(moderator),
    )
    after_hiding = revalidate(client, article, etag)
    assert after_hiding.status_code == 200

    article.refresh_from_db()
    services.set_article_lock(article=article, locked=True, moderator=contributor(moderator))
    after_locking = revalidate(client, article, after_hiding["ETag"])
    assert after_locking.status_code == 200
    assert b"The discussion is closed while this article is locked." in after_locking.content


def test_each_reader_has_their_own_etag(client, article, user):
    anonymous_etag = client.get(article.get_absolute_url())["ETag"]
    client.force_login(user)

    signed_in_page = revalidate(client, article, anonymous_etag)

    assert signed_in_page.status_code == 200
    assert signed_in_page["ETag"] != anonymous_etag
    assert revalidate(client, article, signed_in_page["ETag"]).status_code == 304


def test_watching_the_article_changes_the_signed_in_page(client, article, user):
    client.force_login(user)
    etag = client.get(article.get_absolute_url())["ETag"]
    client.post(f"/wiki/{article.slug}/watch/")

    response = revalidate(client, article, etag)

    assert response.status_code == 200
    assert b'aria-pressed="true"' in response.content


def test_a_page_carrying_a_one_off_message_is_never_answered_304(client, article, user):
    client.force_login(user)
    etag = client.get(article.get_absolute_url())["ETag"]
    edit = client.post(
        f"/wiki/{article.slug}/edit/",
        {"source": "First text.\n", "summary": "", "base_number": 1},
    )
    assert edit.status_code == 302

    response = revalidate(client, article, etag)

    assert response.status_code == 200
    assert b"Nothing changed" in response.content
    assert "ETag" not in response


def test_an_archived_article_answers_410_without_validators(client, article, moderator):
    services.archive_article(article=article, moderator=contributor(moderator))

    response = client.get(article.get_absolute_url())

    assert response.status_code == 410
    assert "ETag" not in response


def test_a_new_release_gives_the_page_again(client, article, settings):
    etag = client.get(article.get_absolute_url())["ETag"]
    settings.COMMONS_RELEASE = "the-next-release"

    assert revalidate(client, article, etag).status_code == 200
