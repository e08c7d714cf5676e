"""A moderator removes a spammer's twenty edits and comments in one action, from the
spammer's page, and every page a reader opens is clean. axe-core checks the pages."""

import pytest
from django.contrib.auth.models import Group

from moderation.models import BlockScope, LogAction, LogEntry
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.factories import UserFactory
from tests.website.spammer_helpers import SPAM, spam_world
from wiki.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail address").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def test_moderator_removes_a_spammers_twenty_edits_and_comments_in_one_action(
    axe_page, browser, live_server
):
    page = axe_page
    gardener = UserFactory(username="gardener")
    spammer = UserFactory(username="pillseller")
    warden = UserFactory(username="warden")
    warden.groups.add(Group.objects.get_or_create(name="moderators")[0])
    world = spam_world(good_user=gardener, spammer=spammer, edits=12, comments=8)
    pages = [f"/wiki/{slug}/" for slug in world.good] + ["/recent/", "/recent/?tab=comments"]

    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto("/wiki/gardens/")
    assert SPAM in reader.locator("main").inner_text()  # the spam is live before

    log_in(page, "warden")
    page.goto("/users/pillseller/")
    page.get_by_role("link", name="Remove spammer…").click()

    assert page.get_by_role("heading", name="Rolled back (4)").is_visible()
    assert page.get_by_role("heading", name="Edits marked spam (12)").is_visible()
    assert page.get_by_role("heading", name="Comments marked spam (8)").is_visible()
    rollbacks = page.locator("section", has=page.get_by_role("heading", name="Rolled back (4)"))
    assert "goes back to revision 2 by gardener" in rollbacks.inner_text()
    assert "no one else wrote it" in rollbacks.inner_text()
    assert_accessible(page)
    screenshot(page, "remove-spammer-preview")

    page.get_by_role("button", name="Remove spammer: 24 changes and block").click()
    reason = page.get_by_label("Reason")
    assert reason.evaluate("field => field.validity.valueMissing")  # the browser asks first
    assert Article.objects.get(slug="gardens").current_revision.author == spammer
    reason.fill("Pill spam across the garden articles")
    page.get_by_role("button", name="Remove spammer: 24 changes and block").click()

    done = page.locator(".message").first.inner_text()
    assert "Done for pillseller: rolled back 2 articles, archived 2 articles" in done
    assert "marked 12 edits as spam, marked 8 comments as spam, blocked them" in done
    assert "Nothing left to change" in page.locator("main").inner_text()
    assert_accessible(page)
    screenshot(page, "remove-spammer-done")

    for path in pages:
        reader.goto(path)
        text = reader.locator("main").inner_text()
        assert SPAM not in text, path
    reader.goto("/wiki/gardens/")
    assert "More about gardens." in reader.locator(".prose").first.inner_text()
    for slug in world.created:
        assert Article.objects.get(slug=slug).is_archived
    reader.goto("/users/pillseller/")
    assert "0 edits, 0 comments" in reader.locator("main").inner_text()
    reader.context.close()

    assert LogEntry.objects.filter(action=LogAction.REMOVE_SPAMMER).count() == 1
    page.goto("/moderation/")
    page.get_by_role("link", name="Spam").first.click()
    assert SPAM in page.locator("main").inner_text()  # kept, for moderators to undo
    from moderation.blocks import active_block

    assert active_block(user=spammer, doing=BlockScope.EDIT) is not None
