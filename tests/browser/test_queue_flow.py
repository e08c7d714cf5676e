"""A busy day in the queue, in a real browser: a moderator filters it to comments, selects
every item on the page with the keyboard, marks them spam, and the next page's comments
move up, the filter kept; axe-core checks each page on the way."""

import pytest
from django.contrib.auth.models import Group

from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.browser.test_moderator_flow import log_in
from tests.factories import UserFactory
from tests.moderation.queue_helpers import held_comment, held_edit
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_marks_a_filtered_page_of_comments_as_spam(axe_page, settings):
    settings.WIKI_LISTING_PAGE_SIZE = 3
    page = axe_page
    moderator = UserFactory(username="warden")
    moderator.groups.add(Group.objects.get_or_create(name="moderators")[0])
    article = make_article(title="Meadow", texts=("A shared meadow.\n",), user=moderator)
    for n in range(5):
        held_comment(article, f"Cheap watches {n}", name=f"Seller {n}")
    held_edit(article, "A shared meadow.\n\nMown in June.\n", user=UserFactory(username="mower"))
    held_edit(article, "A shared meadow.\n\nMown in July.\n")

    log_in(page, "warden")
    page.goto("/moderation/?sort=newest")
    newest = page.locator(".queue-item")
    assert newest.count() == 3
    assert "mower" in newest.nth(1).inner_text()  # the edits came last
    assert "new, level 0" in newest.nth(1).locator(".queue-standing").inner_text()
    assert_accessible(page)
    screenshot(page, "moderation-queue-busy")

    page.goto("/moderation/")

    page.get_by_label("Kind").select_option("comment")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/moderation/?tab=review&kind=comment&sort=oldest")
    items = page.locator(".queue-item")
    assert items.count() == 3
    assert [items.nth(n).locator(".prose").inner_text() for n in range(3)] == [
        f"Cheap watches {n}" for n in range(3)
    ]
    assert "Page 1 of 2" in page.locator(".pagination").inner_text()

    # "Select all" is a real checkbox: Space ticks it, and every item with it.
    select_all = page.get_by_label("Select all 3 on this page")
    select_all.focus()
    page.keyboard.press("Space")
    boxes = page.locator('input[name="cases"]')
    assert all(boxes.nth(n).is_checked() for n in range(3))
    assert page.get_by_role("status").filter(has_text="selected").inner_text() == (
        "3 of 3 selected"
    )
    # Clearing one item leaves the box "mixed"; ticking it again selects all again.
    boxes.nth(1).uncheck()
    assert select_all.evaluate("box => box.indeterminate") is True
    assert not select_all.is_checked()
    boxes.nth(1).check()
    assert select_all.is_checked() and select_all.evaluate("box => !box.indeterminate")
    assert_accessible(page)
    screenshot(page, "moderation-queue-comments-selected")

    page.get_by_role("button", name="Mark selected as spam").click()
    assert "Marked 3 items as spam." in page.locator(".messages").inner_text()
    assert "kind=comment" in page.url
    assert page.get_by_label("Kind").input_value() == "comment"
    items = page.locator(".queue-item")
    assert [items.nth(n).locator(".prose").inner_text() for n in range(items.count())] == [
        "Cheap watches 3",
        "Cheap watches 4",
    ]
    assert page.locator(".pagination").count() == 0
    assert not page.get_by_label("Select all 2 on this page").is_checked()
    assert_accessible(page)
