"""The star, the watchlist, and the links in e-mails (which work signed out)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from notifications.models import Preference, Subscription, Watch
from notifications.tokens import confirm_token, unsubscribe_token
from notifications.watching import subscribe_anonymous, toggle_watch
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def test_the_star_watches_and_unwatches(client, article, user):
    client.force_login(user)
    page = client.get("/wiki/gardens/").content.decode()
    assert 'action="/wiki/gardens/watch/"' in page and "☆</span> Watch<" in page

    response = client.post("/wiki/gardens/watch/", {"next": "/wiki/gardens/"})
    assert response.status_code == 302 and response["Location"] == "/wiki/gardens/"
    assert Watch.objects.filter(user=user, article=article).exists()
    assert "★</span> Watching" in client.get("/wiki/gardens/").content.decode()

    client.post("/wiki/gardens/watch/")
    assert not Watch.objects.exists()


def test_the_article_page_shows_the_stars_state_when_the_view_supplies_it(rf, article, user):
    from django.template.loader import render_to_string

    request = rf.get("/wiki/gardens/")
    request.user = user
    for watching, label in ((False, "☆</span> Watch<"), (True, "★</span> Watching<")):
        html = render_to_string(
            "notifications/watch_form.html",
            {"article": article, "watching": watching},
            request=request,
        )
        assert label in html and 'action="/wiki/gardens/watch/"' in html


def test_anonymous_readers_see_no_star_and_cannot_watch(client, article):
    assert "Watch" not in client.get("/wiki/gardens/").content.decode()
    response = client.post("/wiki/gardens/watch/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "/accounts/login/" in client.get("/wiki/gardens/watch/")["Location"]
    assert not Watch.objects.exists()


def test_the_watch_form_ignores_a_next_address_on_another_site(client, article, user):
    client.force_login(user)
    response = client.post("/wiki/gardens/watch/", {"next": "https://evil.example/"})
    assert response["Location"] == "/wiki/gardens/"


def test_the_watchlist_shows_watched_articles_and_their_latest_change(
    client, user, moderator, article
):
    client.force_login(user)
    assert client.get("/watchlist/").status_code == 200
    toggle_watch(user=user, article=article)
    make_article(title="Unwatched", user=moderator)
    page = client.get("/watchlist/").content.decode()
    assert "Gardens" in page and "Revision 1" in page and "Unwatched" not in page


def test_the_watchlist_reads_in_the_same_queries_for_many_articles(client, user, moderator):
    client.force_login(user)
    for i in range(2):
        toggle_watch(user=user, article=make_article(title=f"A{i}", user=moderator))
    with CaptureQueriesContext(connection) as few:
        client.get("/watchlist/")
    for i in range(2, 12):
        toggle_watch(user=user, article=make_article(title=f"A{i}", user=moderator))
    with CaptureQueriesContext(connection) as many:
        client.get("/watchlist/")
    assert len(few) == len(many)


def test_the_watchlist_needs_signing_in(client):
    response = client.get("/watchlist/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unsubscribing_works_signed_out_and_a_get_changes_nothing(client, user, article):
    toggle_watch(user=user, article=article)
    url = f"/notifications/unsubscribe/{unsubscribe_token('watch', user.pk, article.pk)}/"

    response = client.get(url)
    assert response.status_code == 200 and "Gardens" in response.content.decode()
    assert Watch.objects.exists()

    assert client.post(url).status_code == 200
    assert not Watch.objects.exists()
    assert client.post(url).status_code == 200  # twice is harmless


def test_unsubscribing_from_replies_stops_them(client, user):
    url = f"/notifications/unsubscribe/{unsubscribe_token('replies', user.pk)}/"
    client.get(url)
    assert not Preference.objects.exists()
    client.post(url)
    assert Preference.objects.get(user=user).reply == "site"


@pytest.mark.parametrize(
    "token", ["nonsense", "WyJ3YXRjaCIsMSwxXQ:1:forged", "a" * 500, "%00", "'; DROP"]
)
def test_altered_links_are_refused_and_change_nothing(client, user, article, token):
    toggle_watch(user=user, article=article)
    for kind in ("unsubscribe", "confirm"):
        assert client.post(f"/notifications/{kind}/{token}/").status_code in (400, 404)
    assert Watch.objects.exists()


def test_a_confirmation_token_does_not_unsubscribe_and_the_reverse(client, article):
    from tests.comments.helpers import anonymous, post

    comment = post(article, "Hello", author=anonymous())
    subscription = subscribe_anonymous(comment=comment, email="robin@example.test")
    confirm = confirm_token(subscription)
    assert client.post(f"/notifications/unsubscribe/{confirm}/").status_code == 400
    unsubscribe = unsubscribe_token("subscription", subscription.pk)
    assert client.post(f"/notifications/confirm/{unsubscribe}/").status_code == 400


def test_anonymous_commenters_see_the_notify_box_and_it_subscribes_them(
    client, article, django_capture_on_commit_callbacks
):
    page = client.get("/wiki/gardens/").content.decode()
    assert "Notify me of replies" in page
    data = {"body": "Lovely.", "name": "Robin", "email": "robin@example.test", "notify": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/wiki/gardens/comments/", data)
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.email == "robin@example.test" and subscription.confirmed_at is None
    assert mail.outbox == []  # held for moderation: no mail yet


def test_signed_in_commenters_see_no_notify_box(client, article, user):
    client.force_login(user)
    assert "Notify me of replies" not in client.get("/wiki/gardens/").content.decode()


def test_a_honeypot_comment_never_subscribes(client, article, django_capture_on_commit_callbacks):
    data = {
        "body": "Buy",
        "name": "Bot",
        "email": "victim@example.test",
        "notify": "on",
        "homepage": "http://spam.example/",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/wiki/gardens/comments/", data)
    assert Comment.objects.comments().get().status == "spam"
    assert not Subscription.objects.exists()
    assert mail.outbox == []


NOTE = "No verified e-mail address, so edits reach you in your notifications only."


@pytest.fixture
def unverified(db):
    return UserFactory(verified=False)


def test_watching_without_a_verified_address_says_so_beside_the_star(client, article, unverified):
    client.force_login(unverified)
    assert NOTE not in client.get("/wiki/gardens/").content.decode()  # not watching yet
    toggle_watch(user=unverified, article=article)
    page = client.get("/wiki/gardens/").content.decode()
    assert NOTE in page and 'href="/accounts/email/">Add a verified address</a>' in page
    watch_page = client.get("/wiki/gardens/watch/").content.decode()
    assert "comments on it, in your notifications." in watch_page and NOTE in watch_page
    assert NOTE in client.get("/watchlist/").content.decode()


def test_watching_with_a_verified_address_promises_mail_and_nothing_else(client, article, user):
    client.force_login(user)
    toggle_watch(user=user, article=article)
    for url in ("/wiki/gardens/", "/wiki/gardens/watch/", "/watchlist/"):
        assert NOTE not in client.get(url).content.decode(), url
    assert "or by e-mail as you chose" in client.get("/wiki/gardens/watch/").content.decode()


@pytest.mark.parametrize(
    ("verified", "said"),
    [
        (
            True,
            "You are watching “Gardens”: you will hear of its edits and comments here "
            "and by e-mail.",
        ),
        (
            False,
            "You are watching “Gardens”: you will hear of its edits and comments in your "
            "notifications; add a verified address to get e-mail too.",
        ),
    ],
)
def test_the_watch_message_promises_mail_only_to_a_verified_address(
    client, article, verified, said
):
    client.force_login(UserFactory(verified=verified))
    page = client.post("/wiki/gardens/watch/", follow=True).content.decode()
    assert said in page.replace("&ldquo;", "“").replace("&rdquo;", "”")


def test_the_note_leaves_the_page_once_the_address_is_verified(client, article, unverified):
    client.force_login(unverified)
    toggle_watch(user=unverified, article=article)
    first = client.get("/wiki/gardens/")
    assert NOTE in first.content.decode()
    EmailAddress.objects.create(
        user=unverified, email=unverified.email, verified=True, primary=True
    )
    again = client.get("/wiki/gardens/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and NOTE not in again.content.decode()


def test_the_star_costs_the_article_page_no_query_of_its_own(client, article):
    """Whether the viewer has a verified address is asked in the page's one article query,
    so the page costs the same with or without one (6 queries when signed in)."""
    counts = []
    for verified in (True, False):
        viewer = UserFactory(verified=verified)
        toggle_watch(user=viewer, article=article)
        client.force_login(viewer)
        client.get("/wiki/gardens/")  # Django's first look-ups of content types
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/wiki/gardens/").status_code == 200
        asking = [q["sql"] for q in captured if "account_emailaddress" in q["sql"]]
        assert len(asking) == 1 and "wiki_article" in asking[0]
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 9
