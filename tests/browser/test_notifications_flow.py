"""Notices in a real browser: a reply lights the bell of the person answered; they open
their notifications, mark them read, and the bell clears; then they choose their channels."""

import pytest

from notifications.models import Channel, Preference
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.browser.test_wiki_flow import log_in
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reply_lights_the_bell_and_marking_read_clears_it(page, settings):
    settings.MODERATION_TRUSTED_CONTRIBUTIONS = 0  # signed-in comments publish at once
    UserFactory(username="alice")
    UserFactory(username="bob")
    make_article(title="Meadow", texts=("A shared meadow.\n",))

    log_in(page, "alice")
    page.goto("/wiki/meadow/")
    page.get_by_role("textbox", name="Comment", exact=True).fill("Who mows it?")
    page.get_by_role("button", name="Post comment").click()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()

    page.context.clear_cookies()
    log_in(page, "bob")
    page.goto("/wiki/meadow/")
    page.get_by_role("link", name="Reply to alice").click()
    page.get_by_role("textbox", name="Comment", exact=True).fill("We take turns.")
    page.get_by_role("button", name="Post reply").click()

    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto("/wiki/meadow/")
    bell = page.get_by_role("link", name="Notifications, 1 unread")
    assert bell.is_visible()
    screenshot(page, "notifications-bell")
    bell.click()
    assert page.get_by_role("heading", name="Notifications").is_visible()
    assert "bob replied to your comment on “Meadow”" in page.locator(".notice-list").inner_text()
    screenshot(page, "notifications-page")
    page.get_by_role("button", name="Mark all read").click()
    assert "1 notice marked read." in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()
    assert page.locator(".nav-bell__count").count() == 0

    page.get_by_role("link", name="Choose how you hear of things").click()
    group = page.get_by_role("group", name="Replies to my comments")
    group.get_by_label("In the site only").check()
    page.get_by_role("button", name="Save").click()
    assert "Your choices are saved." in page.locator(".messages").inner_text()
    assert Preference.objects.get(user__username="alice").reply == Channel.SITE
    screenshot(page, "notifications-preferences")


def test_edits_to_one_article_come_as_one_line_that_opens_its_history(axe_page):
    page = axe_page
    from notifications.models import NoticeKind
    from notifications.notices import notify

    alice = UserFactory(username="alice")
    article = make_article(title="Meadow", texts=("A shared meadow.\n",))
    for number, editor in enumerate(("bob", "carol", "dan")):
        notify(
            kind=NoticeKind.WATCHED_EDIT,
            key=f"revision:{100 + number}",
            recipient_ids=[alice.pk],
            text=f"{editor} edited “Meadow”",
            url="/wiki/meadow/",
            article_id=article.pk,
            actor_name=editor,
        )
    notify(
        kind=NoticeKind.MODERATION,
        key="moderation:1",
        recipient_ids=[alice.pk],
        text="A moderator removed your comment on “Meadow”. Reason: Off topic",
        url="/wiki/meadow/",
        article_id=article.pk,
    )
    log_in(page, "alice")
    page.get_by_role("link", name="Notifications, 4 unread").click()
    assert page.locator(".notice-item").count() == 2
    assert_accessible(page)
    screenshot(page, "notifications-grouped")
    page.get_by_role("link", name="3 edits to “Meadow”").click()
    assert page.url.endswith("/wiki/meadow/history/")
    assert page.get_by_role("link", name="Notifications, 1 unread").is_visible()
    page.goto("/accounts/preferences/")
    assert_accessible(page)
