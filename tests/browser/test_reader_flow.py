"""A reader's main flow in a real browser, partly by keyboard: the home page, the index,
search from the header box, history and a diff; axe-core checks every page on the way."""

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, selector, limit=20):
    """Press Tab until the element matching `selector` has the focus, as a keyboard user."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus with Tab")


def test_reader_browses_searches_and_reads_a_diff(axe_page):
    page = axe_page
    make_article(title="Main Page", texts=("Welcome to the **commons**.\n",))
    make_article(
        title="Village green",
        texts=(
            "The green is mown by volunteers.\n\nSheep graze it in spring.\n",
            "The green is mown by neighbours.\n\nSheep graze it in spring.\n",
        ),
    )
    make_article(title="Orchard", texts=("Apples for everyone.\n",))

    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Main Page"
    assert_accessible(page)
    screenshot(page, "home")

    page.get_by_role("link", name="All articles").click()
    assert page.get_by_role("heading", level=1).inner_text() == "All articles"
    assert_accessible(page)
    page.locator("#content").get_by_role("link", name="Orchard").click()
    assert "Apples for everyone." in page.locator(".prose").inner_text()
    assert_accessible(page)

    # By keyboard: Tab from the top of the page to the header's search box, type, Enter.
    page.locator("body").focus()
    tab_to(page, "#site-search-q")
    page.keyboard.type("sheep")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/search/" in page.url
    hit = page.locator(".search-hit__title a")
    assert hit.count() == 1
    assert hit.inner_text() == "Village green"
    assert_accessible(page)
    screenshot(page, "search")

    # Still by keyboard: focus the hit and follow it with Enter.
    hit.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Village green")
    assert_accessible(page)

    page.get_by_role("link", name="History").click()
    assert page.locator(".history-table tbody tr").count() == 2
    assert_accessible(page)
    page.get_by_role("button", name="Compare selected revisions").click()
    deleted = page.locator(".diff del").first
    inserted = page.locator(".diff ins").first
    assert deleted.is_visible() and deleted.inner_text().strip() == "volunteers"
    assert inserted.is_visible() and inserted.inner_text().strip() == "neighbours"
    assert_accessible(page)
