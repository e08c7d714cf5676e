"""The moderators' queue and log: who may see them, what they show, what the buttons do."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from comments.services import remove_comment
from moderation import services
from moderation.models import Actor, CheckState, ModerationCase, ModerationEvent
from moderation.states import Status
from tests.comments.helpers import post, signed_in
from tests.moderation.queue_helpers import (
    akismet_verdict,
    case_of,
    flagged_comment,
    held_comment,
    held_edit,
    seed_queue,
)
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


@pytest.fixture
def held(article):
    return held_comment(
        article, "Cheap **watches** here", email="seller@spam.test", ip="192.0.2.77"
    )


@pytest.fixture
def mod_client(client, moderator):
    client.force_login(moderator)
    return client


def page_text(client, url="/moderation/"):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# Who may see and act


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/moderation/"),
        ("get", "/moderation/?tab=spam"),
        ("get", "/moderation/log/"),
        ("post", "/moderation/{pk}/approve/"),
        ("post", "/moderation/{pk}/spam/"),
        ("post", "/moderation/bulk/"),
    ],
)
def test_anonymous_visitors_get_the_login_page_and_users_a_403(client, user, held, method, url):
    url = url.format(pk=case_of(held).pk)
    data = {"action": "approve", "cases": [case_of(held).pk]} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    client.force_login(user)
    refused = getattr(client, method)(url, data)
    assert refused.status_code == 403
    assert b"192.0.2.77" not in refused.content
    assert b"seller@spam.test" not in refused.content
    held.refresh_from_db()
    assert held.status == Status.PENDING


@pytest.mark.parametrize("url", ["/moderation/", "/moderation/log/?tab=moves"])
def test_moderators_see_the_queue_and_the_log(mod_client, held, url):
    assert "Gardens" in page_text(mod_client, url)


def test_the_actions_answer_only_post(mod_client, held):
    assert mod_client.get(f"/moderation/{case_of(held).pk}/approve/").status_code == 405


def test_ips_and_emails_are_shown_to_moderators_only(client, mod_client, user, held):
    body = page_text(mod_client)
    assert "192.0.2.77" in body and "seller@spam.test" in body
    client.force_login(user)
    for url in ("/moderation/", "/moderation/log/", "/moderation/log/?tab=moves", "/wiki/gardens/"):
        text = client.get(url).content.decode()
        assert "192.0.2.77" not in text and "seller@spam.test" not in text, url


# What the queue shows


def test_the_review_tab_shows_held_content_and_why_it_waits(mod_client, held, article):
    body = page_text(mod_client)
    assert "Cheap <strong>watches</strong> here" in body  # the sanitized HTML, marked safe
    assert "Robin" in body
    assert f'href="/comments/{held.pk}/"' in body
    assert "Waiting because:</strong> no Akismet key is configured" in body
    assert "No Akismet key is configured: untrusted comments are held for a moderator" in body
    assert "No Akismet key: held for a moderator." in body  # its history
    assert "awaiting moderation" in body


def test_a_held_edit_shows_a_link_to_its_diff_and_its_first_words(mod_client, article):
    held_edit(article, "Shared gardens.\n\nVisit my shop for **cheap** pills.\n")
    body = page_text(mod_client)
    assert 'href="/wiki/gardens/diff/1/2/"' in body
    assert "See what this edit changed" in body
    assert "Visit my shop for cheap pills." in body
    assert "203.0.113.7" in body  # the editor's IP


def test_a_failed_check_shows_the_error(mod_client, held):
    case = case_of(held)
    ModerationCase.objects.filter(pk=case.pk).update(state=CheckState.QUEUED)
    services.hold_for_review(
        case_id=case.pk, reason="error", error="ConnectTimeout: timed out after 5s"
    )
    body = page_text(mod_client)
    assert "Akismet could not be reached: ConnectTimeout: timed out after 5s" in body


def test_the_tabs_show_the_right_items(mod_client, moderator, article):
    waiting = held_comment(article, "Waiting for a person")
    spam = held_comment(article, "Akismet says spam")
    akismet_verdict(spam, "spam")
    blatant = held_comment(article, "Blatant spam")
    akismet_verdict(blatant, "discard")
    decided = held_comment(article, "Decided by a moderator")
    services.approve(case=case_of(decided), moderator=moderator)
    flagged = flagged_comment(article, moderator, reasons=("advert", "spam link", "rude"))

    tabs = {
        "": {waiting, flagged},
        "?tab=spam": {spam},
        "?tab=discarded": {blatant},
        "?tab=decided": {decided},
    }
    everything = {waiting, spam, blatant, decided, flagged}
    for query, expected in tabs.items():
        body = page_text(mod_client, f"/moderation/{query}")
        for comment in everything:
            shown = f'id="case-{case_of(comment).pk}"' in body
            assert shown == (comment in expected), (query, comment.body)
    review = page_text(mod_client)
    assert "flagged by readers" in review
    assert "advert" in review and "spam link" in review
    assert "Flagged by 3 readers" in review
    assert 'Needs review <span class="tab-count">(2)</span>' in review


def test_an_unknown_tab_shows_the_review_tab(mod_client, held):
    assert f'id="case-{case_of(held).pk}"' in page_text(mod_client, "/moderation/?tab=nope")


def test_the_queue_is_paginated(mod_client, article, settings):
    settings.WIKI_LISTING_PAGE_SIZE = 2
    for i in range(3):
        held_comment(article, f"Held {i}")
    first = page_text(mod_client)
    assert "Held 0" in first and "Held 1" in first and "Held 2" not in first
    second = page_text(mod_client, "/moderation/?page=2")
    assert "Held 2" in second and "Page 2 of 2" in second


# Actions


def test_approving_one_publishes_it_logs_it_and_returns_to_the_tab(mod_client, moderator, held):
    case = case_of(held)
    response = mod_client.post(f"/moderation/{case.pk}/approve/", {"tab": "review", "page": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/moderation/"
    held.refresh_from_db()
    assert held.status == Status.PUBLISHED
    event = ModerationEvent.objects.filter(case=case).latest("id")
    assert (event.to_status, event.actor_kind, event.actor) == (
        Status.PUBLISHED,
        Actor.MODERATOR,
        moderator,
    )
    body = page_text(mod_client)
    assert "Approved the comment by Robin on “Gardens”." in body
    assert "Nothing waits for a moderator right now." in body


def test_marking_one_as_spam_hides_it_and_returns_to_the_same_tab(mod_client, moderator, held):
    case = case_of(held)
    response = mod_client.post(f"/moderation/{case.pk}/spam/", {"tab": "decided", "page": "2"})
    assert response["Location"] == "/moderation/?tab=decided&page=2"
    held.refresh_from_db()
    assert held.status == Status.SPAM
    case.refresh_from_db()
    assert (case.state, case.decided_by) == (CheckState.DECIDED, moderator)
    assert "Marked the comment by Robin on “Gardens” as spam." in page_text(
        mod_client, "/moderation/?tab=spam"
    )


def test_bulk_approve_and_bulk_spam(mod_client, article):
    comments = [held_comment(article, f"Held {i}") for i in range(4)]
    cases = [case_of(comment).pk for comment in comments]
    response = mod_client.post(
        "/moderation/bulk/", {"action": "approve", "cases": cases[:2], "tab": "review"}
    )
    assert response["Location"] == "/moderation/"
    mod_client.post("/moderation/bulk/", {"action": "spam", "cases": cases[2:], "tab": "review"})
    statuses = [Comment.objects.get(pk=c.pk).status for c in comments]
    assert statuses == [Status.PUBLISHED, Status.PUBLISHED, Status.SPAM, Status.SPAM]
    body = page_text(mod_client)
    assert "Approved 2 items." in body and "Marked 2 items as spam." in body


def test_bulk_without_a_selection_says_what_to_do(mod_client, held):
    response = mod_client.post("/moderation/bulk/", {"action": "spam", "tab": "spam"}, follow=True)
    assert response.status_code == 200
    assert "Select at least one item first" in response.content.decode()
    assert response.redirect_chain[0][0] == "/moderation/?tab=spam"
    held.refresh_from_db()
    assert held.status == Status.PENDING


def test_an_illegal_move_gives_a_message_not_a_500(mod_client, moderator, article, held):
    remove_comment(comment=held, by=moderator)
    other = held_comment(article, "Another one")
    case = case_of(held)
    assert case.status == Status.REMOVED and case.state == CheckState.NEEDS_REVIEW

    one = mod_client.post(f"/moderation/{case.pk}/approve/", follow=True)
    assert one.status_code == 200
    text = one.content.decode()
    assert "Nothing changed: the comment by Robin on “Gardens” cannot be approved" in text
    assert "it was removed; restore it from its page first." in text

    both = mod_client.post(
        "/moderation/bulk/", {"action": "spam", "cases": [case.pk, case_of(other).pk]}, follow=True
    )
    text = both.content.decode()
    assert "cannot be marked as spam" in text and "Marked 1 item as spam." in text
    held.refresh_from_db()
    other.refresh_from_db()
    assert (held.status, other.status) == (Status.REMOVED, Status.SPAM)


def test_removed_content_offers_no_buttons(mod_client, moderator, held):
    remove_comment(comment=held, by=moderator)
    body = page_text(mod_client)
    pk = case_of(held).pk
    assert f"/moderation/{pk}/approve/" not in body and f"/moderation/{pk}/spam/" not in body
    assert "Restore it from its page first." in body


def test_the_buttons_are_real_buttons_with_labels(mod_client, held):
    body = page_text(mod_client)
    pk = case_of(held).pk
    assert f'<input type="checkbox" name="cases" value="{pk}" id="select-{pk}">' in body
    assert f'<label for="select-{pk}">Select<span class="visually-hidden">' in body
    assert 'formaction="/moderation/' in body
    assert '<button type="submit" name="action" value="approve"' in body
    assert 'name="csrfmiddlewaretoken"' in body


# The header


def test_the_header_shows_moderators_the_count_and_the_akismet_problem(
    client, mod_client, user, held, settings
):
    body = page_text(mod_client, "/")
    assert "Moderation (1)" in body
    assert "No Akismet key is configured" in body
    settings.AKISMET_API_KEY = "key"
    settings.AKISMET_BLOG_URL = "https://commons.test/"
    cache.set(services.MISCONFIGURED_CACHE_KEY, "Akismet refused the key", 600)
    assert "Akismet is misconfigured: Akismet refused the key" in page_text(mod_client, "/")
    cache.delete(services.MISCONFIGURED_CACHE_KEY)
    assert "Akismet is" not in page_text(mod_client, "/")
    client.logout()
    client.force_login(user)
    plain = page_text(client, "/")
    assert "Moderation (" not in plain and "/moderation/" not in plain


# The log's second tab: every move of content (the moderators' log is tests/moderation/test_log.py)


def test_the_log_lists_every_move_newest_first_with_who_and_why(mod_client, moderator, held):
    services.mark_spam(case=case_of(held), moderator=moderator, reason="Pills")
    body = page_text(mod_client, "/moderation/log/?tab=moves")
    newest = body.index("Pills")
    oldest = body.index("No Akismet key: held for a moderator.")
    assert newest < oldest
    assert ">mod<" in body.replace("\n", "")  # the moderator's name
    assert "the system" in body
    assert 'Comment by Robin on <a href="/comments/' in body
    assert "pending</span>" in body and "spam</span>" in body


def test_the_log_names_akismet_readers_and_authors(mod_client, moderator, article, user):
    spam = held_comment(article, "Spam")
    akismet_verdict(spam, "spam")
    flagged_comment(article, moderator)
    own = post(article, "Mine", author=signed_in(user))
    remove_comment(comment=own, by=user)
    body = page_text(mod_client, "/moderation/log/?tab=moves")
    assert "Akismet" in body and "readers&#x27; flags" in body and "the author" in body


# Query budgets


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("tab", ["review", "decided"])
def test_the_queue_costs_the_same_queries_for_3_or_30_items(mod_client, moderator, tab):
    seed_queue(3, moderator)
    if tab == "decided":
        for case in ModerationCase.objects.needs_review():
            services.mark_spam(case=case, moderator=moderator)
    url = f"/moderation/?tab={tab}"
    mod_client.get(url)  # warm the content-type cache
    few = queries(mod_client, url)
    seed_queue(27, moderator, start=3)
    if tab == "decided":
        for case in ModerationCase.objects.needs_review():
            services.mark_spam(case=case, moderator=moderator)
    many = queries(mod_client, url)
    assert page_text(mod_client, url).count('class="queue-item"') == 30
    assert few == many
    # 16, the authors' standings (roles, edits, comments), edits' earlier texts, the bell.
    assert many <= 21


def test_the_log_costs_the_same_queries_for_3_or_30_events(mod_client, moderator):
    seed_queue(3, moderator)
    mod_client.get("/moderation/log/?tab=moves")
    few = queries(mod_client, "/moderation/log/?tab=moves")
    seed_queue(27, moderator, start=3)
    assert ModerationEvent.objects.count() >= 30
    many = queries(mod_client, "/moderation/log/?tab=moves")
    assert few == many
    assert many <= 13  # with the header's bell (unread notices)
