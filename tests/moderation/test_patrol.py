"""Patrol: moderators can list only the edits no person and no Akismet check has accepted
yet, in recent changes; nobody else is offered the filter, and no shared copy holds it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moderation import services
from moderation.models import CheckState, ModerationCase
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.moderation.queue_helpers import akismet_verdict, case_of
from tests.wiki.helpers import make_article
from wiki.models import Revision
from wiki.services import save_edit

pytestmark = pytest.mark.django_db


def edit(article, summary: str, user=None) -> Revision:
    """An edit by `user` (anonymous when None) with this summary, on top of the current text."""
    article.refresh_from_db()
    current = article.current_revision
    return save_edit(
        slug=article.slug,
        title=article.title,
        source=f"{current.source}{summary}\n",
        summary=summary,
        base_number=current.number,
        contributor=contributor(user),
    ).revision


@pytest.fixture
def edits(moderator):
    """One edit in each state a check or a person can leave it, by summary."""
    article = make_article(title="Patrolled", texts=("Start.\n",), user=moderator)
    trusted = edit(article, "Edit by a trusted author", user=moderator)
    edit(article, "Waiting for a moderator", user=UserFactory())
    edit(article, "Anonymous edit waiting")
    approved = edit(article, "Approved by a moderator", user=UserFactory())
    services.approve(case=case_of(approved), moderator=moderator)
    ham = edit(article, "Akismet said ham", user=UserFactory())
    akismet_verdict(ham, "ham")
    queued = edit(article, "Sent to Akismet, no answer yet", user=UserFactory())
    ModerationCase.objects.filter(pk=case_of(queued).pk).update(state=CheckState.QUEUED)
    assert trusted.pk not in ModerationCase.objects.values_list("object_id", flat=True)
    return {
        "unchecked": {"Waiting for a moderator", "Anonymous edit waiting", queued.summary},
        "checked": {"Edit by a trusted author", "Approved by a moderator", "Akismet said ham"},
    }


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def test_moderators_can_list_only_the_unchecked_edits(mod_client, edits):
    everything = mod_client.get("/recent/").text
    assert all(summary in everything for summary in edits["unchecked"] | edits["checked"])
    unchecked = mod_client.get("/recent/?unchecked=1").text
    assert all(summary in unchecked for summary in edits["unchecked"])
    assert not any(summary in unchecked for summary in edits["checked"])
    assert '<input type="checkbox" name="unchecked" value="1" checked>' in unchecked


def test_a_moderators_decision_checks_an_edit_off_the_list(mod_client, moderator, edits):
    waiting = Revision.objects.get(summary="Waiting for a moderator")
    services.mark_spam(case=case_of(waiting), moderator=moderator)
    assert "Waiting for a moderator" not in mod_client.get("/recent/?unchecked=1").text


def test_unchecked_combines_with_the_other_filters_and_survives_paging(
    mod_client, moderator, settings
):
    settings.WIKI_LISTING_PAGE_SIZE = 2
    for n in range(3):
        make_article(title=f"Untrusted new {n}", user=UserFactory())
    make_article(title="Trusted new", user=moderator)
    body = mod_client.get("/recent/?new=1&unchecked=1").text
    assert "?new=1&amp;unchecked=1&amp;page=2" in body
    second = mod_client.get("/recent/?new=1&unchecked=1&page=2").text
    assert "Untrusted new 0" in second and "Trusted new" not in second


def test_nobody_else_is_offered_the_filter_or_gets_it(client, user, edits):
    client.force_login(user)
    for reader in (Client(), client):
        body = reader.get("/recent/?unchecked=1").text
        assert 'name="unchecked"' not in body
        assert all(summary in body for summary in edits["checked"])


def test_the_patrol_page_is_never_stored_as_the_shared_copy(mod_client, edits):
    anonymous = Client().get("/recent/?unchecked=1")
    assert getattr(anonymous, "stored_copy", None) is None  # a parameter not shared
    assert getattr(mod_client.get("/recent/?unchecked=1"), "stored_copy", None) is None
    plain = Client().get("/recent/")
    assert plain.stored_copy is not None  # the plain page is shared, without the filter
    assert 'name="unchecked"' not in plain.text
    assert 'name="unchecked"' not in Client().get("/recent/").text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_patrol_list_costs_the_same_for_3_or_30_edits(mod_client, moderator):
    article = make_article(title="Busy", texts=("Start.\n",), user=moderator)
    for n in range(3):
        edit(article, f"Edit {n}", user=UserFactory())
    mod_client.get("/recent/?unchecked=1")
    few = _queries(mod_client, "/recent/?unchecked=1")
    for n in range(3, 30):
        edit(article, f"Edit {n}", user=UserFactory())
    many = _queries(mod_client, "/recent/?unchecked=1")
    assert few == many == _queries(mod_client, "/recent/")  # the filter adds no query
    assert many <= 9  # recent changes' budget for a moderator, with the header's bell
    assert "Edit 29" in mod_client.get("/recent/?unchecked=1").text
