"""Patrol marks: moderators see who checked each edit in recent changes (Akismet, a named
moderator, or a trusted author on save), and "Mark checked" accepts an unchecked edit as
it stands, logs it, and takes it off the unchecked list."""

import pytest
from django.test import Client

from moderation import services
from moderation.models import CheckState, LogAction, LogEntry, ModerationEvent, TargetKind
from moderation.states import Status
from tests.factories import UserFactory
from tests.moderation.queue_helpers import akismet_verdict, case_of
from tests.moderation.test_patrol import edit
from tests.wiki.helpers import make_article
from wiki.models import Revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def article(moderator):
    return make_article(title="Patrolled", texts=("Start.\n",), user=moderator)


def row_of(body: str, summary: str) -> str:
    """The recent-changes row (<li>) that carries `summary`."""
    end = body.index(summary)
    return body[body.rindex("<li>", 0, end) : body.index("</li>", end)]


def test_each_row_says_who_checked_the_edit(mod_client, moderator, article):
    edit(article, "By a trusted author", user=moderator)
    approved = edit(article, "Approved", user=UserFactory())
    services.approve(case=case_of(approved), moderator=moderator)
    akismet_verdict(edit(article, "Ham", user=UserFactory()), "ham")
    edit(article, "Waiting", user=UserFactory())
    body = mod_client.get("/recent/").text
    assert "checked on save (trusted author)" in row_of(body, "By a trusted author")
    assert "checked by mod" in row_of(body, "Approved")
    assert "checked by Akismet" in row_of(body, "Ham")
    waiting = row_of(body, "Waiting")
    assert "not checked yet" in waiting
    assert "Mark checked" not in waiting  # the button is on the unchecked list only


def test_a_trusted_authors_edit_is_checked_on_save(moderator, article, settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 1
    author = UserFactory()
    make_article(title="Earned", texts=("mine\n",), user=author)  # trusted from now on
    revision = edit(article, "Trusted now", user=author)
    assert not Revision.objects.unchecked().filter(pk=revision.pk).exists()
    assert not ModerationEvent.objects.filter(case__object_id=revision.pk).exists()


def test_mark_checked_accepts_the_edit_logs_it_and_takes_it_off_the_list(
    mod_client, moderator, article
):
    waiting = edit(article, "Waiting for patrol", user=UserFactory())
    listing = mod_client.get("/recent/?unchecked=1").text
    row = row_of(listing, "Waiting for patrol")
    assert f'action="/moderation/{case_of(waiting).pk}/patrol/"' in row
    assert 'name="csrfmiddlewaretoken"' in row
    response = mod_client.post(
        f"/moderation/{case_of(waiting).pk}/patrol/", {"next": "/recent/?unchecked=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/recent/?unchecked=1"
    case = case_of(waiting)
    assert (case.status, case.state, case.decided_by) == (
        Status.PUBLISHED,
        CheckState.DECIDED,
        moderator,
    )
    entry = LogEntry.objects.get()
    assert (entry.action, entry.actor, entry.target_kind, entry.target_id) == (
        LogAction.PATROL,
        moderator,
        TargetKind.REVISION,
        str(waiting.pk),
    )
    after = mod_client.get("/recent/?unchecked=1").text
    assert "Waiting for patrol" not in after
    assert "checked by mod" in row_of(mod_client.get("/recent/").text, "Waiting for patrol")


def test_marking_twice_changes_nothing_the_second_time(mod_client, article):
    waiting = edit(article, "Twice", user=UserFactory())
    url = f"/moderation/{case_of(waiting).pk}/patrol/"
    mod_client.post(url)
    mod_client.post(url)
    assert LogEntry.objects.filter(action=LogAction.PATROL).count() == 1


def test_spam_cannot_be_marked_checked(mod_client, moderator, article):
    spam = edit(article, "Spam edit", user=UserFactory())
    edit(article, "On top", user=moderator)
    services.mark_spam(case=case_of(spam), moderator=moderator)
    response = mod_client.post(f"/moderation/{case_of(spam).pk}/patrol/", follow=True)
    assert "cannot be marked checked" in response.text
    assert case_of(spam).status == Status.SPAM
    assert not LogEntry.objects.filter(action=LogAction.PATROL).exists()


def test_only_moderators_mark_edits_checked(client, user, article):
    waiting = edit(article, "Not yours to check", user=UserFactory())
    url = f"/moderation/{case_of(waiting).pk}/patrol/"
    assert Client().post(url).status_code == 302  # to the login page
    client.force_login(user)
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    assert case_of(waiting).state == CheckState.NEEDS_REVIEW
    assert "not checked yet" not in client.get("/recent/").text
    assert "Mark checked" not in client.get("/recent/?unchecked=1").text


def test_mark_checked_never_sends_the_moderator_off_the_site(mod_client, article):
    waiting = edit(article, "Redirects", user=UserFactory())
    response = mod_client.post(
        f"/moderation/{case_of(waiting).pk}/patrol/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/recent/?unchecked=1"


def test_mark_checked_needs_the_csrf_token(moderator, article):
    waiting = edit(article, "Forged", user=UserFactory())
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(moderator)
    assert forged.post(f"/moderation/{case_of(waiting).pk}/patrol/").status_code == 403
    assert case_of(waiting).state == CheckState.NEEDS_REVIEW
