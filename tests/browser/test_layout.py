"""The page's width in a real browser: an article's contents beside its text on a wide
screen and above it on a phone."""

import pytest

from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = ["Origins", "The court rolls", "Enclosure", "Grazing", "Mowing", "Events", "See also"]
LONG_TEXT = "".join(
    f"## {title}\n\n" + "The green is common land, grazed and mown by the village. " * 12 + "\n\n"
    for title in SECTIONS
)


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def open_article(browser, live_server, *, width, height):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/wiki/village-green/")
    return context, page


def test_on_a_wide_screen_the_contents_stand_beside_the_text_and_stay_in_view(browser, live_server):
    make_article(title="Village green", texts=(LONG_TEXT,))
    context, page = open_article(browser, live_server, width=1440, height=900)
    try:
        contents = page.get_by_role("navigation", name="Contents")
        text = box(page, ".prose > nav + *")
        nav = contents.bounding_box()
        assert nav["x"] + nav["width"] <= text["x"]
        assert abs(nav["y"] - text["y"]) < 40

        page.mouse.wheel(0, 1500)
        page.wait_for_function("() => window.scrollY >= 1500")
        nav = contents.bounding_box()
        assert 0 <= nav["y"] < 50
        assert page.get_by_role("link", name="See also").is_visible()

        # A window shorter than the contents: the column scrolls on its own, inside the window.
        page.set_viewport_size({"width": 1440, "height": 200})
        nav = contents.bounding_box()
        assert nav["y"] >= 0 and nav["y"] + nav["height"] <= 200
        assert contents.evaluate("(nav) => nav.scrollHeight > nav.clientHeight")
        contents.get_by_role("link", name="See also").focus()
        assert contents.evaluate("(nav) => nav.scrollTop > 0")
    finally:
        context.close()


def test_an_old_revision_shows_its_contents_beside_the_text_too(browser, live_server):
    make_article(title="Village green", texts=(LONG_TEXT, "Now short.\n"))
    context, page = open_article(browser, live_server, width=1440, height=900)
    try:
        page.goto("/wiki/village-green/revisions/1/")
        nav = page.get_by_role("navigation", name="Contents").bounding_box()
        assert nav["x"] + nav["width"] <= box(page, ".prose > nav + *")["x"]
    finally:
        context.close()


def test_on_a_phone_the_contents_come_before_the_text(browser, live_server):
    make_article(title="Village green", texts=(LONG_TEXT,))
    context, page = open_article(browser, live_server, width=390, height=844)
    try:
        nav = page.get_by_role("navigation", name="Contents").bounding_box()
        text = box(page, ".prose > nav + *")
        assert nav["y"] + nav["height"] <= text["y"]
        assert abs(nav["x"] - text["x"]) < 2
        page.mouse.wheel(0, 2000)
        page.wait_for_function("() => window.scrollY >= 2000")
        assert page.get_by_role("navigation", name="Contents").bounding_box()["y"] < 0
    finally:
        context.close()


def test_an_article_without_contents_keeps_its_text_at_the_left(browser, live_server):
    make_article(title="Village green", texts=("Only one paragraph.\n",))
    context, page = open_article(browser, live_server, width=1440, height=900)
    try:
        assert abs(box(page, ".prose")["x"] - box(page, "h1")["x"]) < 2
        assert abs(box(page, "h1")["x"] - box(page, ".site-name")["x"]) < 2
    finally:
        context.close()
