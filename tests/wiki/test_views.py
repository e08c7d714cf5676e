import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services
from wiki.models import Article, Revision

pytestmark = pytest.mark.django_db

IP = "203.0.113.7"


def edit_url(slug):
    return reverse("wiki:edit", kwargs={"slug": slug})


def test_readers_see_the_current_revision(client, user):
    make_article(title="Gardens", texts=("Old.\n", "**Shared** gardens.\n"), user=user)
    response = client.get("/wiki/gardens/")
    assert response.status_code == 200
    assert b"<strong>Shared</strong> gardens." in response.content
    assert b"Old." not in response.content


def test_a_missing_article_offers_to_create_it(client, user):
    client.force_login(user)
    response = client.get("/wiki/not-yet/")
    assert response.status_code == 404
    assert b"Create the article" in response.content
    assert b"/wiki/not-yet/edit/" in response.content


def test_anonymous_readers_are_sent_to_log_in_to_edit(client, user):
    make_article(title="Gardens", user=user)
    response = client.get(edit_url("gardens"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.post(edit_url("gardens"), {"source": "vandal", "base_number": 1})
    assert response.status_code == 302
    assert Revision.objects.count() == 1


def test_signed_in_user_creates_an_article_from_the_edit_page(client, user):
    client.force_login(user)
    response = client.get(edit_url("new-page") + "?title=New+page")
    assert response.status_code == 200
    assert b'value="New page"' in response.content
    response = client.post(
        edit_url("new-page"), {"title": "New page", "source": "Hello *world*", "summary": "hi"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/wiki/new-page/"
    page = client.get("/wiki/new-page/")
    assert b"<em>world</em>" in page.content
    assert b"Created" in page.content


def test_preview_shows_the_rendered_text_and_saves_nothing(client, user):
    make_article(title="Gardens", user=user)
    client.force_login(user)
    response = client.post(
        edit_url("gardens"), {"source": "# Preview me", "base_number": 1, "preview": "1"}
    )
    assert response.status_code == 200
    assert b"Preview" in response.content
    assert b'<h1 id="preview-me">Preview me' in response.content
    assert Revision.objects.count() == 1


def test_an_edit_with_summary_and_minor_flag_is_saved(client, user):
    make_article(title="Gardens", user=user)
    client.force_login(user)
    response = client.post(
        edit_url("gardens"),
        {"source": "Fixed typo.\n", "base_number": 1, "summary": "typo", "is_minor": "on"},
    )
    assert response.status_code == 302
    revision = Revision.objects.get(number=2)
    assert (revision.summary, revision.is_minor, revision.author) == ("typo", True, user)


def test_a_conflicting_edit_shows_both_texts_and_saves_nothing(client, user, other_user):
    make_article(title="Gardens", texts=("Roses are red.\n",), user=user)
    services.save_edit(
        slug="gardens",
        title="Gardens",
        source="Roses are white.\n",
        base_number=1,
        contributor=contributor(other_user),
    )
    client.force_login(user)
    response = client.post(edit_url("gardens"), {"source": "Roses are blue.\n", "base_number": 1})
    assert response.status_code == 409
    body = response.content.decode()
    assert "Edit conflict" in body
    assert "Roses are blue." in body and "Roses are white." in body
    assert 'name="base_number" value="2"' in body
    assert Revision.objects.count() == 2
    again = client.post(edit_url("gardens"), {"source": "Roses are blue.\n", "base_number": 2})
    assert again.status_code == 302
    assert Article.objects.get().current_revision.source == "Roses are blue.\n"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("x" * 300, "at most 200 characters"),
        ("", "A title is required"),
        ("???", "at least one letter or digit"),
    ],
)
def test_bad_titles_get_a_message_and_keep_the_text(client, user, title, message):
    client.force_login(user)
    response = client.post(edit_url("anything"), {"title": title, "source": "Keep me please"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert b"Keep me please" in response.content
    assert not Article.objects.exists()


def test_a_duplicate_address_gets_a_message_and_keeps_the_text(client, user):
    make_article(title="Gardens", user=user)
    client.force_login(user)
    response = client.post(edit_url("gardens-2"), {"title": "GARDENS", "source": "Mine"})
    assert response.status_code == 400
    assert b"already belongs to another article" in response.content
    assert b"Mine" in response.content


def test_an_oversized_text_gets_a_message_and_keeps_the_text(client, user, settings):
    settings.WIKI_MAX_SOURCE_BYTES = 50
    client.force_login(user)
    text = "long words " * 10
    response = client.post(edit_url("big"), {"title": "Big", "source": text})
    assert response.status_code == 400
    assert b"the limit is 50 bytes" in response.content
    assert text.encode() in response.content


def test_invalid_utf8_gets_a_message_and_saves_nothing(client, user):
    client.force_login(user)
    body = b"title=Broken&source=caf%E9+au+lait"
    response = client.post(
        edit_url("broken"), body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert b"not valid UTF-8" in response.content
    assert "caf\ufffd au lait" in response.content.decode()
    assert not Article.objects.exists()


def test_nul_bytes_get_a_message(client, user):
    client.force_login(user)
    response = client.post(edit_url("nul"), {"title": "Nul", "source": "a\x00b"})
    assert response.status_code == 400
    assert b"Null characters are not allowed" in response.content


def test_history_lists_revisions_newest_first_without_ips(client, user):
    make_article(title="Gardens", texts=("a\n", "ab\n", "abc\n"), user=user)
    response = client.get("/wiki/gardens/history/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("/wiki/gardens/revisions/3/") < body.index("/wiki/gardens/revisions/1/")
    assert user.username in body
    assert IP not in body


def test_history_is_paginated(client, user, settings):
    settings.WIKI_HISTORY_PAGE_SIZE = 2
    make_article(title="Gardens", texts=("a\n", "b\n", "c\n"), user=user)
    first = client.get("/wiki/gardens/history/").content.decode()
    second = client.get("/wiki/gardens/history/?page=2").content.decode()
    assert "/revisions/3/" in first and "/revisions/1/" not in first
    assert "/revisions/1/" in second
    assert "Page 2 of 2" in second


def test_an_old_revision_is_readable_with_a_revert_button(client, user):
    make_article(title="Gardens", texts=("First words\n", "Second words\n"), user=user)
    client.force_login(user)
    response = client.get("/wiki/gardens/revisions/1/")
    assert b"First words" in response.content
    assert b"Revert to this revision" in response.content


def test_the_diff_marks_changed_words(client, user):
    make_article(title="Gardens", texts=("The sky is blue.\n", "The sky is grey.\n"), user=user)
    response = client.get("/wiki/gardens/diff/1/2/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<del>blue</del>" in body
    assert "<ins>grey</ins>" in body


def test_compare_form_redirects_to_the_diff_in_order(client, user):
    make_article(title="Gardens", texts=("a\n", "b\n", "c\n"), user=user)
    response = client.get("/wiki/gardens/diff/?a=3&b=1")
    assert response["Location"] == "/wiki/gardens/diff/1/3/"


def test_revert_is_a_post_that_adds_a_revision(client, user):
    make_article(title="Gardens", texts=("good\n", "bad\n"), user=user)
    client.force_login(user)
    assert client.get("/wiki/gardens/revert/1/").status_code == 405
    response = client.post("/wiki/gardens/revert/1/")
    assert response.status_code == 302
    assert Article.objects.get().current_revision.source == "good\n"
    assert Revision.objects.count() == 3


def test_archive_is_for_moderators_and_the_page_says_archived(client, user, moderator):
    make_article(title="Gardens", texts=("secretless text\n",), user=user)
    client.force_login(user)
    assert client.post("/wiki/gardens/archive/").status_code == 403
    client.force_login(moderator)
    client.post("/wiki/gardens/archive/")
    client.logout()
    page = client.get("/wiki/gardens/")
    assert page.status_code == 410
    assert b"This article is archived" in page.content
    assert b"Restore this article" not in page.content
    # Its history is kept, for moderators: an archived article's text is theirs alone.
    assert client.get("/wiki/gardens/history/").status_code == 410
    assert b"Gardens" not in client.get("/").content
    client.force_login(moderator)
    assert client.get("/wiki/gardens/history/").status_code == 200
    page = client.get("/wiki/gardens/")
    assert b"Restore this article" in page.content
    client.post("/wiki/gardens/restore/")
    assert client.get("/wiki/gardens/").status_code == 200


def test_locked_articles_refuse_ordinary_editors(client, user, moderator):
    make_article(title="Gardens", user=user)
    client.force_login(moderator)
    client.post("/wiki/gardens/lock/", {"locked": "1"})
    client.force_login(user)
    assert client.get(edit_url("gardens")).status_code == 403
    response = client.post(edit_url("gardens"), {"source": "x", "base_number": 1})
    assert response.status_code == 403
    assert Revision.objects.count() == 1


def test_hidden_revisions_are_for_moderators_only(client, user, moderator):
    make_article(title="Gardens", texts=("fine\n", "insult\n", "fine\n"), user=user)
    client.force_login(moderator)
    client.post("/wiki/gardens/revisions/2/hide/", {"hidden": "1"})
    client.logout()
    response = client.get("/wiki/gardens/revisions/2/")
    assert b"hidden this revision" in response.content
    assert b"insult" not in response.content
    assert b"insult" not in client.get("/wiki/gardens/diff/1/2/").content
    client.force_login(moderator)
    assert b"insult" in client.get("/wiki/gardens/revisions/2/").content


def test_move_redirects_the_old_address(client, user):
    make_article(title="Gardens", user=user)
    client.force_login(user)
    response = client.post("/wiki/gardens/move/", {"title": "Community gardens"})
    assert response["Location"] == "/wiki/community-gardens/"
    old = client.get("/wiki/gardens/")
    assert old.status_code == 301
    assert old["Location"] == "/wiki/community-gardens/"


def test_a_moved_articles_old_edit_address_leads_to_its_new_one_before_log_in(client, user):
    make_article(title="Gardens", user=user)
    client.force_login(user)
    client.post("/wiki/gardens/move/", {"title": "Community gardens"})
    client.logout()
    old = client.get("/wiki/gardens/edit/")
    assert old.status_code == 301
    assert old["Location"] == "/wiki/community-gardens/edit/"
    assert client.get(old["Location"])["Location"].startswith("/accounts/login/")


def test_signed_out_readers_are_sent_to_log_in_but_a_bare_revert_is_refused(client, user):
    make_article(title="Gardens", texts=("good\n", "bad\n"), user=user)
    for address in ("/wiki/gardens/edit/", "/wiki/gardens/move/", "/wiki/new-page/edit/"):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={address}"
    assert client.post("/wiki/gardens/revert/1/").status_code == 403
    assert client.get("/wiki/no-such-page/move/").status_code == 404
    assert Revision.objects.count() == 2


def test_what_links_here_lists_linking_articles(client, user):
    make_article(title="Gardens", user=user)
    make_article(title="Allotments", texts=("See [[Gardens]].\n",), user=user)
    make_article(title="Unrelated", user=user)
    body = client.get("/wiki/gardens/links/").content.decode()
    assert "Allotments" in body
    assert "Unrelated" not in body


def test_search_finds_titles_first_and_jumps_to_an_exact_title(client, user):
    make_article(title="Seeds", texts=("Nothing here.\n",), user=user)
    make_article(title="Orchards", texts=("We plant seeds.\n",), user=user)
    response = client.get("/search/?q=seeds")
    assert response["Location"] == "/wiki/seeds/"
    body = client.get("/search/?q=seed").content.decode()
    assert body.index("/wiki/seeds/") < body.index("/wiki/orchards/")


def test_forms_need_a_csrf_token(user):
    make_article(title="Gardens", user=user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(edit_url("gardens"), {"source": "x", "base_number": 1})
    assert response.status_code == 403
    assert Revision.objects.count() == 1


def test_signup_login_and_logout(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "email": "newbie@example.test",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert b"newbie" in client.get("/").content
    client.post("/accounts/logout/")
    assert b"Log in" in client.get("/").content


def test_recent_changes_and_contributions_list_revisions(client, user):
    make_article(title="Gardens", texts=("a\n", "b\n"), user=user)
    assert b"Gardens" in client.get("/recent/").content
    body = client.get(f"/users/{user.username}/").content.decode()
    assert "2 revisions" in body


def test_healthz_reports_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["cache"] == "ok"
