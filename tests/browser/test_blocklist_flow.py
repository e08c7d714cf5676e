"""The blocklist in a real browser: a moderator adds the site of a spam comment's link from
the queue, sees it on the blocklist page, and the next writer who posts that link is told
why, their text kept; axe-core checks the moderator's pages."""

import pytest
from django.contrib.auth.models import Group

from moderation import services
from moderation.blocklist import add_entry
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.browser.test_moderator_flow import log_in
from tests.factories import UserFactory
from tests.moderation.queue_helpers import case_of, held_comment
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_blocklists_a_spam_site_from_the_queue(axe_page, browser, live_server, settings):
    settings.MODERATION_NEW_MAX_LINKS = 10  # spam that got past new writers' link limit
    page = axe_page
    moderator = UserFactory(username="warden")
    moderator.groups.add(Group.objects.get_or_create(name="moderators")[0])
    article = make_article(title="Meadow", texts=("A shared meadow.\n",), user=moderator)
    add_entry(by=moderator, kind="word", pattern="casino bonus", action="hold", reason="wave 3")
    spam = held_comment(
        article,
        "Best [pills](https://www.pills.example/buy), [more](https://cdn.pills.example/x) and "
        "[deals](http://deals.example/), see [the meadow](/wiki/meadow/).",
        name="Seller",
    )
    services.mark_spam(case=case_of(spam), moderator=moderator)
    held_comment(article, "Is https://mower.example/ any good for meadows?", name="Robin")

    log_in(page, "warden")
    page.goto("/moderation/?tab=spam")
    item = page.locator(".queue-item")
    buttons = item.get_by_role("button", name="to the blocklist")
    assert [buttons.nth(n).inner_text() for n in range(buttons.count())] == [
        "Add pills.example to the blocklist",  # which covers cdn.pills.example
        "Add deals.example to the blocklist",
    ]
    assert_accessible(page)
    screenshot(page, "moderation-queue-blocklist-buttons")

    buttons.first.click()
    page.wait_for_url("**/moderation/?tab=spam")
    assert "Added pills.example to the blocklist" in page.locator(".messages").inner_text()
    assert item.get_by_role("button", name="to the blocklist").all_inner_texts() == [
        "Add deals.example to the blocklist"
    ]

    page.get_by_role("navigation", name="Moderation").get_by_role("link", name="Blocklist").click()
    page.wait_for_url("**/moderation/blocklist/")
    rows = page.locator("tbody tr")
    assert rows.count() == 2
    assert "pills.example" in rows.first.inner_text()
    assert "Linked from spam" in rows.first.inner_text()
    assert_accessible(page)
    screenshot(page, "moderation-blocklist")

    # A writer who posts the site again is refused, told why, and keeps the text.
    writer = browser.new_context(base_url=live_server.url).new_page()
    writer.goto("/wiki/meadow/")
    writer.get_by_role("textbox", name="Comment").fill(
        "Cheaper at http://shop.pills.example/deal today"
    )
    writer.get_by_role("textbox", name="Name").fill("Seller")
    writer.get_by_role("textbox", name="E-mail").fill("seller@example.test")
    writer.get_by_role("button", name="Post comment").click()
    assert "moderators keep a list" in writer.locator("body").inner_text()
    assert writer.get_by_role("textbox", name="Comment").input_value() == (
        "Cheaper at http://shop.pills.example/deal today"
    )
    writer.context.close()
