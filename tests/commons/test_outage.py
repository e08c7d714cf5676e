"""With PostgreSQL away: readers get the last stored copy of a page, anyone else a 503
page, and a write hands its text back. The outage is real: the connection is pointed at
a closed port on this machine, so every query fails as it would with the server down."""

import html
import json
import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from comments.models import Comment
from tests.comments.helpers import post, signed_in
from tests.conftest import contributor
from tests.fakes.redis import free_port
from tests.wiki.helpers import make_article
from wiki.models import Article
from wiki.services import revert_article, save_edit, set_revision_hidden

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
TEXTAREA = re.compile(r'<textarea id="handed-back" name="([^"]+)"[^>]*>(.*?)</textarea>', re.S)


@contextmanager
def database_away():
    """Until the block ends, every new connection to PostgreSQL is refused."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.fixture
def article(moderator):
    article = make_article(title="Shared page", texts=("Gardens need water.\n",), user=moderator)
    post(article, "A remark everyone sees.", author=signed_in(moderator))
    return article


def handed_back(page: str) -> dict[str, str]:
    """The fields of the 503 page's form, as a browser would send them again."""
    fields = {name: html.unescape(value) for name, value in HIDDEN.findall(page)}
    name, text = TEXTAREA.search(page).groups()
    fields[name] = html.unescape(text)
    return fields


def test_a_reader_gets_the_last_stored_copy_of_an_article_while_the_database_is_away(article):
    Client().get(article.get_absolute_url())  # an anonymous reader stores the copy
    with database_away():
        response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Gardens need water." in page
    assert "A remark everyone sees." in page


def test_the_copy_served_while_the_database_is_away_is_of_the_newest_version_stored(
    article, moderator
):
    Client().get(article.get_absolute_url())
    save_edit(
        slug=article.slug,
        title=article.title,
        source="Gardens need water and shade.\n",
        base_number=1,
        contributor=contributor(moderator),
    )
    Client().get(article.get_absolute_url())
    with database_away():
        page = Client().get(article.get_absolute_url()).content.decode()
    assert "Gardens need water and shade." in page


def test_a_copy_stored_before_a_revision_was_hidden_is_not_served_while_the_database_is_away(
    article, moderator
):
    save_edit(
        slug=article.slug,
        title=article.title,
        source="Buy cheap pills at pills.example.\n",
        base_number=1,
        contributor=contributor(moderator),
    )
    article.refresh_from_db()
    Client().get(article.get_absolute_url())  # a copy showing the spam
    Client().get(f"{article.get_absolute_url()}history/")
    spam = article.current_revision
    warden = contributor(moderator)
    revert_article(article=article, number=1, contributor=warden)
    set_revision_hidden(revision=spam, hidden=True, moderator=warden)
    with database_away():
        page = Client().get(article.get_absolute_url())
        history = Client().get(f"{article.get_absolute_url()}history/")
    assert page.status_code == history.status_code == 503
    assert "pills" not in page.content.decode() + history.content.decode()


def test_a_page_with_no_stored_copy_answers_503_with_a_page_that_says_try_again(article):
    with database_away():
        response = Client().get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "The site is briefly unavailable" in page
    assert "try again in a minute" in page


def test_a_signed_in_reader_gets_the_public_copy_and_is_still_signed_in_afterwards(article, user):
    Client().get(article.get_absolute_url())
    reader = Client()
    reader.force_login(user)
    with database_away():
        copy = reader.get(article.get_absolute_url())
        uncopied = reader.get("/recent/?tab=comments")
    assert copy.status_code == 200
    assert "Gardens need water." in copy.content.decode()
    assert uncopied.status_code == 503
    assert user.username in reader.get("/").content.decode()


def test_a_comment_posted_while_the_database_is_away_is_handed_back_and_can_be_sent_again(
    article,
):
    commenter = Client()
    body = 'My <b>long</b> thought & "quote",\nkept word for word.'
    form = {
        "body": body,
        "name": "Robin",
        "email": "robin@example.test",
        "submission_key": "6f1c3b8e-2a4d-4e6f-9a1b-3c5d7e9f1a2b",
    }
    with database_away():
        response = commenter.post(f"/wiki/{article.slug}/comments/", form)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    fields = handed_back(response.content.decode())
    assert fields["body"] == body
    assert fields["name"] == "Robin"
    assert fields["submission_key"] == form["submission_key"]
    assert not Comment.objects.filter(body=body).exists()
    # The database is back: "Send again" posts the very comment.
    resent = commenter.post(f"/wiki/{article.slug}/comments/", fields)
    assert resent.status_code == 302
    assert Comment.objects.filter(body=body, author_name="Robin").count() == 1


def test_an_edit_saved_while_the_database_is_away_is_handed_back_with_its_summary(article, user):
    editor = Client()
    editor.force_login(user)
    form = {
        "title": "Shared page",
        "source": "Gardens need water and shade.\n",
        "summary": "Shade",
        "base_number": "1",
        "save": "",
    }
    with database_away():
        response = editor.post(f"/wiki/{article.slug}/edit/", form)
    assert response.status_code == 503
    fields = handed_back(response.content.decode())
    assert fields["source"] == form["source"]
    assert (fields["summary"], fields["base_number"]) == ("Shade", "1")
    assert editor.post(f"/wiki/{article.slug}/edit/", fields).status_code == 302
    assert Article.objects.get(pk=article.pk).current_revision.source == form["source"]


def test_the_health_check_still_answers_503_json_while_the_database_is_away(article):
    with database_away():
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "down"
