"""No dead ends: signed-out readers learn that signing in lets them edit, and a locked
article's refusal says who can change it and leads back to the article."""

import pytest
from django.test import Client

from tests.wiki.helpers import make_article
from wiki.models import Revision

pytestmark = pytest.mark.django_db

HINT = "Log in or sign up to edit"


def test_signed_out_readers_are_offered_log_in_where_the_edit_tab_would_be(client, user):
    make_article(title="Gardens", texts=("One.\n", "Two.\n"), user=user)
    for address in ("/wiki/gardens/", "/wiki/gardens/history/", "/wiki/gardens/diff/1/2/"):
        body = client.get(address).content.decode()
        assert HINT in body, address
        assert f'href="/accounts/login/?next={address}"' in body, address


def test_the_hint_is_in_the_shared_copy_every_signed_out_reader_gets(user):
    make_article(title="Gardens", user=user)
    first, second = Client(), Client()
    assert HINT in first.get("/wiki/gardens/").content.decode()
    assert HINT in second.get("/wiki/gardens/").content.decode()


def test_signed_in_editors_see_the_edit_tab_and_no_hint(client, user):
    make_article(title="Gardens", user=user)
    client.force_login(user)
    body = client.get("/wiki/gardens/").content.decode()
    assert HINT not in body
    assert 'href="/wiki/gardens/edit/"' in body


def test_no_hint_when_anyone_may_edit_or_nobody_but_moderators_may(client, user, settings):
    article = make_article(title="Gardens", user=user)
    settings.WIKI_ANONYMOUS_EDITS = True
    body = client.get("/wiki/gardens/").content.decode()
    assert HINT not in body and 'href="/wiki/gardens/edit/"' in body
    settings.WIKI_ANONYMOUS_EDITS = False
    type(article).objects.filter(pk=article.pk).update(is_locked=True, version=99)
    assert HINT not in client.get("/wiki/gardens/").content.decode()


def test_a_locked_articles_refusal_leads_back_and_names_who_can_change_it(client, user, moderator):
    make_article(title="Gardens", user=user)
    client.force_login(moderator)
    client.post("/wiki/gardens/lock/", {"locked": "1"})
    client.force_login(user)
    for response in (
        client.get("/wiki/gardens/edit/"),
        client.post("/wiki/gardens/edit/", {"source": "x", "base_number": 1}),
        client.post("/wiki/gardens/revert/1/"),
        client.get("/wiki/gardens/move/"),
    ):
        assert response.status_code == 403
        body = response.content.decode()
        assert "only moderators can edit or move it" in body
        assert 'href="/wiki/gardens/"' in body
        assert 'href="/wiki/gardens/history/"' in body
        assert 'href="/wiki/gardens/#discussion"' in body
    assert Revision.objects.count() == 1


def test_an_archived_articles_refusal_says_a_moderator_can_restore_it(client, user, moderator):
    make_article(title="Gardens", user=user)
    client.force_login(moderator)
    client.post("/wiki/gardens/archive/")
    client.force_login(user)
    response = client.get("/wiki/gardens/edit/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "A moderator can restore it." in body
    assert 'href="/wiki/gardens/history/"' in body
