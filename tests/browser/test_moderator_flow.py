"""A moderator's main flow in a real browser: the header's count, the queue, approving a
held comment, the comment live for readers, and the decision in the log; axe-core checks
every page on the way."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.factories import UserFactory
from tests.moderation.queue_helpers import held_comment
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail address").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Site").get_by_role("link", name=username).wait_for()


def test_moderator_approves_a_held_comment(axe_page, browser, live_server):
    page = axe_page
    moderator = UserFactory(username="warden")
    moderator.groups.add(Group.objects.get_or_create(name="moderators")[0])
    article = make_article(title="Meadow", texts=("A shared meadow.\n",), user=moderator)
    held_comment(article, "Who mows the meadow in June?", name="Robin")

    log_in(page, "warden")
    queue_link = page.get_by_role("link", name="Moderation (1)")
    expect(queue_link).to_be_visible()
    assert_accessible(page)

    queue_link.click()
    page.wait_for_url("**/moderation/")
    item = page.locator(".queue-item")
    expect(item).to_have_count(1)
    assert "Who mows the meadow in June?" in item.inner_text()
    assert "Robin" in item.inner_text()
    assert_accessible(page)
    screenshot(page, "moderation-queue")

    item.get_by_role("button", name="Approve").click()
    # Playwright's expect waits for the page the click leads to; a loaded machine is slow.
    expect(page.locator(".messages")).to_contain_text("Approved")
    expect(page.locator(".queue-item")).to_have_count(0)
    expect(page.get_by_role("link", name="Moderation (0)")).to_be_visible()
    assert_accessible(page)

    # An anonymous reader, in a fresh context with no session, now sees the comment.
    reader = browser.new_context(base_url=live_server.url, bypass_csp=True)
    try:
        visitor = reader.new_page()
        visitor.goto(f"/wiki/{article.slug}/")
        comment = visitor.locator(".comment").first
        assert "Who mows the meadow in June?" in comment.inner_text()
        assert "awaiting moderation" not in comment.inner_text()
        assert_accessible(visitor)
    finally:
        reader.close()

    page.goto("/moderation/log/?tab=moves")
    rows = page.locator(".log-table tbody tr")
    approval = rows.filter(has=page.locator(".log-who", has_text="warden"))
    assert approval.count() == 1
    change = approval.locator(".log-change").inner_text()
    assert "pending" in change and "published" in change
    assert "Meadow" in approval.inner_text()
    assert_accessible(page)
    screenshot(page, "moderation-log")
