"""A block, in a real browser: a moderator blocks the range the test browser writes from, a
signed-out writer posts a comment and is told why (and gets their text back), the moderator
unblocks, and the same comment goes through; axe-core checks each page on the way."""

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment
from moderation.models import LogAction, LogEntry
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.browser.test_moderator_flow import log_in
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "The meadow path floods every spring; could we add stepping stones?"


def test_moderator_blocks_a_range_the_writer_sees_why_then_is_unblocked(
    axe_page, browser, live_server
):
    moderator = UserFactory(username="warden")
    moderator.groups.add(Group.objects.get_or_create(name="moderators")[0])
    make_article(title="Meadow", texts=("A shared meadow.\n",), user=moderator)

    page = axe_page
    log_in(page, "warden")
    page.goto("/moderation/")
    page.get_by_role("navigation", name="Moderation").get_by_role("link", name="Blocks").click()
    assert "No one is blocked." in page.locator("main").inner_text()
    page.get_by_label("Account, address or range").fill("127.0.0.0/8")
    page.get_by_label("Block from").select_option("comment")
    page.get_by_label("Reason").fill("Spam links posted from this network")
    page.get_by_label("Ends after").select_option("1w")
    page.get_by_role("button", name="Block", exact=True).click()
    # Too wide: said plainly, and what was typed is kept.
    assert "/8 would block too many people" in page.locator(".block-form").inner_text()
    assert page.get_by_label("Reason").input_value() == "Spam links posted from this network"
    page.get_by_label("Account, address or range").fill("127.0.0.0/24")
    page.get_by_role("button", name="Block", exact=True).click()
    assert "Blocked 127.0.0.0/24 from commenting until" in page.locator(".messages").inner_text()
    row = page.locator(".blocks-table tbody tr")
    assert row.count() == 1
    assert "127.0.0.0/24" in row.inner_text() and "warden" in row.inner_text()
    assert_accessible(page)
    screenshot(page, "moderation-blocks")

    writer_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    writer = writer_context.new_page()
    writer.set_default_timeout(10_000)
    writer.goto("/wiki/meadow/")
    writer.get_by_role("textbox", name="Comment", exact=True).fill(COMMENT)
    writer.get_by_role("textbox", name="Name").fill("Robin")
    writer.get_by_role("textbox", name="E-mail").fill("robin@example.test")
    writer.get_by_role("button", name="Post comment").click()

    main = writer.locator("main")
    assert writer.get_by_role("heading", level=1).inner_text() == (
        "You are blocked from commenting"
    )
    text = main.inner_text()
    assert "Spam links posted from this network" in text
    assert "warden" in text
    assert "UTC" in main.locator(".block-facts").inner_text()  # when it ends
    assert "127.0.0" not in text  # the range is for moderators only
    assert writer.get_by_label("Your comment").input_value() == COMMENT
    assert writer.get_by_role("link", name="warden").first.get_attribute("href") == "/users/warden/"
    assert Comment.objects.comments().count() == 0
    assert_accessible(writer)
    screenshot(writer, "blocked-comment")

    page.get_by_role("button", name="Unblock 127.0.0.0/24").click()
    assert "Unblocked 127.0.0.0/24." in page.locator(".messages").inner_text()
    assert "No one is blocked." in page.locator("main").inner_text()
    assert LogEntry.objects.filter(action=LogAction.UNBLOCK).count() == 1

    writer.go_back()
    writer.get_by_role("textbox", name="Comment", exact=True).fill(COMMENT)
    writer.get_by_role("textbox", name="Name").fill("Robin")
    writer.get_by_role("textbox", name="E-mail").fill("robin@example.test")
    writer.get_by_role("button", name="Post comment").click()
    assert "awaiting moderation" in writer.locator(".messages").inner_text()
    assert Comment.objects.comments().get().body == COMMENT
    writer_context.close()
