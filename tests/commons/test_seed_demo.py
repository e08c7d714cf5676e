"""`seed_demo`, as `make run` calls it: accounts one can sign in with, discussions to read,
and a moderation queue holding only the one comment a newcomer should find there."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from comments.models import Comment
from moderation.models import ModerationCase, ModerationEvent
from moderation.states import Status
from notifications.notices import verified_addresses
from website.demo import DEMO_PASSWORD, EDITORS, MODERATOR
from wiki.models import Article, Revision
from wiki.permissions import can_moderate

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    return capsys.readouterr().out


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_demo_editors_and_moderator_sign_in_with_the_printed_password(seeded, client):
    for name in [*EDITORS, MODERATOR]:
        assert client.login(username=name, password=DEMO_PASSWORD), name
        client.logout()
    assert not client.login(username="ada", password="")
    assert can_moderate(get_user_model().objects.get(username=MODERATOR))
    assert not can_moderate(get_user_model().objects.get(username="ada"))
    assert DEMO_PASSWORD in seeded
    assert "demo editor" in seeded and "ada" in seeded
    assert "demo moderator" in seeded and MODERATOR in seeded


def test_the_demo_accounts_log_in_by_name_or_address_and_have_a_verified_address(seeded, client):
    assert (
        client.post("/accounts/login/", {"login": "ada", "password": DEMO_PASSWORD}).status_code
        == 302
    )
    client.post("/accounts/logout/")
    response = client.post(
        "/accounts/login/", {"login": "ben@example.org", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    addresses = verified_addresses(user_ids=get_user_model().objects.values_list("pk", flat=True))
    assert sorted(addresses.values()) == sorted(
        f"{name}@example.org" for name in [*EDITORS, MODERATOR]
    )
    call_command("seed_demo")  # again: nothing doubled
    assert EmailAddress.objects.count() == len(addresses)


def test_with_debug_off_it_refuses_and_makes_no_account(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")
    assert not get_user_model().objects.exists()
    assert not Article.objects.exists()


def test_the_demo_has_threads_with_replies_by_several_authors(seeded, client):
    comments = Comment.objects.comments()
    assert comments.filter(level__gt=1, status=Status.PUBLISHED).count() >= 5
    published = comments.filter(status=Status.PUBLISHED)
    assert {"ada", "ben", "carla"} <= set(
        published.filter(author__isnull=False).values_list("author__username", flat=True)
    )
    assert published.filter(author__isnull=True).exists()  # a visitor, with a name
    body = page(client, "/wiki/main-page/")
    assert "Priya" in body and "comment-list" in body
    assert "0 comments" not in body


def test_a_removed_comment_keeps_its_replies_in_place(seeded, client):
    removed = Comment.objects.get(status=Status.REMOVED)
    replies = removed.get_children()
    assert replies.count() >= 2
    assert all(reply.status == Status.PUBLISHED for reply in replies)
    body = page(client, removed.article.get_absolute_url())
    assert "[removed]" in body and removed.body not in body
    for reply in replies:
        assert f'class="comment comment--full" id="comment-{reply.pk}"' in body


def test_the_queue_holds_only_the_held_anonymous_comment(seeded, client):
    waiting = list(ModerationCase.objects.needs_review())
    assert len(waiting) == 1
    held = waiting[0].content
    assert isinstance(held, Comment)
    assert held.status == Status.PENDING and held.author is None and held.author_name
    client.login(username=MODERATOR, password=DEMO_PASSWORD)
    queue = page(client, "/moderation/")
    assert "1 item" in queue and held.author_name in queue
    assert "Nothing waits" not in queue


def test_the_demo_content_was_accepted_by_the_demo_moderator_on_the_record(seeded):
    moderator = get_user_model().objects.get(username=MODERATOR)
    accepted = ModerationCase.objects.filter(decided_by=moderator)
    assert accepted.filter(content_type__model="revision", status=Status.PUBLISHED).exists()
    assert accepted.filter(content_type__model="comment", status=Status.PUBLISHED).exists()
    logged = ModerationEvent.objects.filter(actor=moderator, reason__contains="seed_demo")
    assert logged.count() == accepted.count()
    assert not ModerationCase.objects.not_accepted().filter(content_type__model="revision")


def test_running_it_twice_adds_nothing_and_still_prints_how_to_sign_in(seeded, capsys):
    counts = (
        Article.objects.count(),
        Revision.objects.count(),
        Comment.objects.count(),
        ModerationCase.objects.count(),
        ModerationEvent.objects.count(),
        get_user_model().objects.count(),
    )
    call_command("seed_demo")
    again = capsys.readouterr().out
    assert counts == (
        Article.objects.count(),
        Revision.objects.count(),
        Comment.objects.count(),
        ModerationCase.objects.count(),
        ModerationEvent.objects.count(),
        get_user_model().objects.count(),
    )
    assert "0 article(s) and 0 discussion(s) added" in again
    assert DEMO_PASSWORD in again and MODERATOR in again
