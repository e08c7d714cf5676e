"""The log answers "who archived this and why", in a real browser: one moderator archives
an article with a reason; another opens the log, filters it by action and by that
article, and reads who did it and why; the archived page says the same. axe-core checks
each page."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.browser.test_moderator_flow import log_in
from tests.factories import UserFactory
from tests.moderation.queue_helpers import held_edit
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "A copy of the Orchard article, made to hold spam links"


def test_the_log_answers_who_archived_this_and_why(axe_page, browser, live_server):
    moderators = Group.objects.get_or_create(name="moderators")[0]
    warden = UserFactory(username="warden")
    keeper = UserFactory(username="keeper")
    warden.groups.add(moderators)
    keeper.groups.add(moderators)
    make_article(title="Orchard copy", texts=("Apples, and links.\n",), user=warden)
    meadow = make_article(title="Meadow", texts=("A shared meadow.\n",), user=warden)
    held_edit(meadow, "A shared meadow.\nMown in June.\n", user=UserFactory(username="newcomer"))

    # The first moderator archives the article, giving a reason, and locks another.
    page = axe_page
    log_in(page, "warden")
    page.goto("/wiki/meadow/")
    page.get_by_label("Reason for locking (optional)").fill("Edit war")
    page.get_by_role("button", name="Lock").click()
    expect(page.locator(".messages")).to_contain_text("Locked")
    expect(page.locator(".done-by")).to_contain_text("Locked by warden")
    expect(page.locator(".done-by")).to_contain_text("Edit war")
    assert_accessible(page)
    screenshot(page, "locked-notice")
    page.goto("/wiki/orchard-copy/")
    page.get_by_label("Reason for archiving (optional)").fill(REASON)
    page.get_by_role("button", name="Archive").click()
    expect(page.locator(".messages")).to_contain_text("Archived")
    page.context.clear_cookies()

    # Another moderator opens the log and filters it.
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    try:
        other = context.new_page()
        other.set_default_timeout(10_000)
        log_in(other, "keeper")
        other.goto("/moderation/log/")
        expect(other.locator(".log-table tbody tr")).to_have_count(2)
        other.get_by_label("Action").select_option(label="archived")
        other.get_by_role("button", name="Filter").click()
        rows = other.locator(".log-table tbody tr")
        expect(rows).to_have_count(1)
        row = rows.first
        assert "warden" in row.locator(".log-who").inner_text()
        assert "Orchard copy" in row.locator(".log-content").inner_text()
        assert REASON in row.locator(".log-why").inner_text()
        assert_accessible(other)

        # That article's own log, from its row.
        row.get_by_role("link", name="its log").click()
        expect(other.locator(".notice")).to_contain_text("Only entries about “Orchard copy”")
        expect(other.get_by_label("Action")).to_have_value("archive")
        expect(other.locator(".log-table tbody tr")).to_have_count(1)
        assert_accessible(other)
        screenshot(other, "moderation-log-filtered")

        # The archived page says the same, and leads back to the article's log.
        other.goto("/wiki/orchard-copy/")
        notice = other.locator(".notice--archived")
        expect(notice).to_contain_text("Archived by warden")
        expect(notice).to_contain_text(REASON)
        assert_accessible(other)
        screenshot(other, "archived-notice")
        notice.get_by_role("link", name="Moderation log for this article").click()
        expect(other.locator(".log-table tbody tr")).to_have_count(1)
        expect(other.locator(".log-why").first).to_contain_text(REASON)

        # Patrol: the newcomer's edit waits on the unchecked list until a moderator checks it.
        other.goto("/recent/?unchecked=1")
        row = other.locator(".changes li", has_text="newcomer")
        expect(row).to_contain_text("not checked yet")
        assert_accessible(other)
        screenshot(other, "patrol-unchecked")
        row.get_by_role("button", name="Mark checked").click()
        expect(other.locator(".messages")).to_contain_text("checked")
        expect(other.locator(".changes li", has_text="newcomer")).to_have_count(0)
        other.goto("/recent/")
        expect(other.locator(".changes li", has_text="newcomer")).to_contain_text(
            "checked by keeper"
        )
        screenshot(other, "patrol-checked")

        # The history's moderator tools: hide with a reason, and the article's log.
        other.goto("/wiki/meadow/history/")
        other.get_by_label("Reason for revision 1 (optional)").fill("Personal data")
        other.get_by_role("button", name="Hide revision 1").click()
        expect(other.locator(".messages")).to_contain_text("hidden from the public")
        assert_accessible(other)
        screenshot(other, "history-moderator")
        other.get_by_role("link", name="Moderation log for this article").click()
        expect(other.locator(".log-table tbody tr").first).to_contain_text("Personal data")
    finally:
        context.close()
