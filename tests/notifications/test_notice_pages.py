"""The bell in the header, the notifications page, marking read, and the preferences page."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Channel, Notice, NoticeKind, Preference
from notifications.notices import mark_read, notify
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def edits(user, article, count, start=0):
    for i in range(start, start + count):
        notify(
            kind=NoticeKind.WATCHED_EDIT,
            key=f"revision:{1000 + i}",
            recipient_ids=[user.pk],
            text=f"editor{i} edited “{article.title}”",
            url=f"/wiki/{article.slug}/diff/{i + 1}/{i + 2}/",
            article_id=article.pk,
            actor_name=f"editor{i}",
        )


def reply(user, article, number=1):
    notify(
        kind=NoticeKind.REPLY,
        key=f"reply:{number}",
        recipient_ids=[user.pk],
        text=f"robin replied to your comment on “{article.title}”",
        url=f"/comments/{number}/",
        article_id=article.pk,
        actor_name="robin",
    )


def bell(client):
    html = client.get("/recent/").content.decode()
    start = html.index('class="nav-bell')
    return html[start : html.index("</a>", start)]


def test_the_bell_counts_unread_notices_and_says_so_in_words(client, user, article):
    client.force_login(user)
    assert 'aria-label="Notifications"' in bell(client)
    assert "nav-bell__count" not in bell(client)
    edits(user, article, 2)
    reply(user, article)
    shown = bell(client)
    assert 'href="/notifications/"' in shown
    assert 'aria-label="Notifications, 3 unread"' in shown
    assert 'Notifications <span class="nav-bell__count">3</span>' in shown


def test_anonymous_readers_have_no_bell_and_the_pages_need_signing_in(client):
    assert "nav-bell" not in client.get("/recent/").content.decode()
    for page in ("/notifications/", "/accounts/preferences/", "/notifications/1/"):
        assert client.get(page).status_code == 302
    assert client.post("/notifications/read/", {"all": "1"}).status_code == 302


def test_the_page_groups_edits_by_article_and_lists_replies_with_who(client, user, article):
    other = make_article(title="Ponds", user=UserFactory())
    edits(user, article, 3)
    reply(user, article)
    edits(user, other, 1, start=10)
    client.force_login(user)
    html = client.get("/notifications/").content.decode()
    assert "3 edits to “Gardens”" in html
    assert "By editor2, editor1, editor0" in html
    assert "robin replied to your comment on “Gardens”" in html
    assert "editor10 edited “Ponds”" in html
    # Newest first: the Ponds edit came last.
    assert html.index("Ponds") < html.index("robin replied") < html.index("3 edits")


def test_opening_a_group_marks_it_read_and_leads_to_the_history(client, user, article):
    edits(user, article, 3)
    reply(user, article)
    client.force_login(user)
    newest = Notice.objects.filter(kind=NoticeKind.WATCHED_EDIT).latest("pk")
    response = client.get(f"/notifications/{newest.pk}/?group=1")
    assert response.status_code == 302 and response.url == "/wiki/gardens/history/"
    assert Notice.objects.filter(read_at__isnull=True).count() == 1  # the reply
    single = Notice.objects.get(kind=NoticeKind.REPLY)
    assert client.get(f"/notifications/{single.pk}/").url == "/comments/1/"
    assert "nav-bell__count" not in bell(client)


def test_nobody_opens_or_marks_anothers_notices(client, user, other_user, article):
    reply(other_user, article)
    theirs = Notice.objects.get()
    client.force_login(user)
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    client.post("/notifications/read/", {"ids": str(theirs.pk)})
    assert Notice.objects.get().read_at is None


def test_marking_one_group_then_all_read_clears_the_bell(client, user, article):
    edits(user, article, 2)
    reply(user, article)
    client.force_login(user)
    ids = " ".join(
        str(pk) for pk in Notice.objects.filter(kind="watched_edit").values_list("pk", flat=True)
    )
    response = client.post(
        "/notifications/read/", {"ids": ids, "next": "/notifications/"}, follow=True
    )
    assert "2 notices marked read." in response.content.decode()
    assert '<span class="nav-bell__count">1</span>' in bell(client)
    client.post("/notifications/read/", {"all": "1"})
    assert "nav-bell__count" not in bell(client)
    assert not Notice.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize("ids", ["", "abc", "1 2 x", " ".join(["1"] * 201), "9" * 20])
def test_marking_read_refuses_bad_input_with_a_400(client, user, ids):
    client.force_login(user)
    assert client.post("/notifications/read/", {"ids": ids}).status_code == 400
    assert client.get("/notifications/read/").status_code == 405


def test_a_new_notice_changes_the_article_pages_etag(client, user, article):
    client.force_login(user)
    first = client.get("/wiki/gardens/")
    etag = first.headers["ETag"]
    assert client.get("/wiki/gardens/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    reply(user, article)
    again = client.get("/wiki/gardens/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert '<span class="nav-bell__count">1</span>' in again.content.decode()
    mark_read(user=user)
    assert client.get("/wiki/gardens/", HTTP_IF_NONE_MATCH=again.headers["ETag"]).status_code == 200


def queries_for(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_the_page_costs_the_same_queries_for_a_few_notices_or_many(client, user, article):
    client.force_login(user)
    edits(user, article, 2)
    reply(user, article)
    few = queries_for(client, "/notifications/")
    other = make_article(title="Ponds", user=UserFactory())
    edits(user, other, 80, start=10)
    for number in range(2, 40):
        reply(user, article, number)
    many = queries_for(client, "/notifications/")
    assert few == many
    assert many <= 6  # session, user, roles, the bell, the count, the notices with articles


def test_preferences_show_each_kind_and_save_the_choices(client, user):
    client.force_login(user)
    html = client.get("/accounts/preferences/").content.decode()
    assert html.count("<fieldset") == len(NoticeKind.values)
    assert "Replies to my comments" in html and user.email in html
    data = {kind: Channel.BOTH for kind in NoticeKind.values}
    data[NoticeKind.WATCHED_EDIT] = Channel.SITE
    data[NoticeKind.MODERATION] = Channel.NONE
    response = client.post("/accounts/preferences/", data, follow=True)
    assert "Your choices are saved." in response.content.decode()
    saved = Preference.objects.get(user=user)
    assert saved.watched_edit == Channel.SITE and saved.moderation == Channel.NONE
    form = response.context["form"]
    assert form.initial[NoticeKind.WATCHED_EDIT] == Channel.SITE


def test_preferences_refuse_unknown_channels_and_say_when_no_address_is_verified(client):
    person = UserFactory(verified=False)
    client.force_login(person)
    html = client.get("/accounts/preferences/").content.decode()
    assert "nothing is sent by e-mail until you have a verified one" in html
    data = {kind: Channel.BOTH for kind in NoticeKind.values}
    data[NoticeKind.REPLY] = "carrier-pigeon"
    assert client.post("/accounts/preferences/", data).status_code == 400
    assert not Preference.objects.filter(user=person).exists()


def test_the_admin_shows_notices_read_only_and_never_deletes_them(client, user, article):
    reply(user, article)
    notice = Notice.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert "robin replied" in client.get("/admin/notifications/notice/").content.decode()
    page = client.get(f"/admin/notifications/notice/{notice.pk}/change/").content.decode()
    assert "robin replied" in page and 'name="_save"' not in page
    assert client.get(f"/admin/notifications/notice/{notice.pk}/delete/").status_code == 403
    assert client.get("/admin/notifications/notice/add/").status_code == 403
