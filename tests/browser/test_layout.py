"""The page's width and colours in a real browser: an article's contents beside its text on a
wide screen and above it on a phone, and the dark theme for readers whose system asks for
one, checked by axe-core on every main page."""

import pytest
from django.contrib.auth.models import Group

from notifications.models import NoticeKind
from notifications.notices import notify
from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.browser.test_wiki_flow import log_in
from tests.comments.helpers import post, signed_in
from tests.factories import UserFactory
from tests.moderation.queue_helpers import held_comment
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = ["Origins", "The court rolls", "Enclosure", "Grazing", "Mowing", "Events", "See also"]
LONG_TEXT = "".join(
    f"## {title}\n\n" + "The green is common land, grazed and mown by the village. " * 12 + "\n\n"
    for title in SECTIONS
)
CODE = (
    "```python\n"
    "@dataclass\n"
    "def mow(green, height_mm=40):\n"
    '    """Cut the grass."""  # never below 30\n'
    "    return [strip.cut(height_mm) for strip in green if strip not in green.paths]\n"
    "```\n\n"
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


def test_the_contents_mark_the_section_being_read(browser, live_server):
    make_article(title="Village green", texts=(LONG_TEXT,))
    context, page = open_article(browser, live_server, width=1440, height=900)
    try:
        contents = page.get_by_role("navigation", name="Contents")
        page.evaluate("() => document.getElementById('mowing').scrollIntoView()")
        page.wait_for_function("() => window.scrollY > 0")
        reading = contents.locator("a[aria-current='location']")
        reading.wait_for()
        assert reading.count() == 1
        assert reading.inner_text() == "Mowing"
    finally:
        context.close()


def test_a_column_taller_than_its_text_stays_above_what_follows(browser, live_server):
    headings = "".join(
        f"###### Section {n}: who may graze, cut turf and gather wood on the green\n\n"
        for n in range(1, 13)
    )
    make_article(title="Village green", texts=(headings,))
    context, page = open_article(browser, live_server, width=1440, height=900)
    try:
        nav = page.get_by_role("navigation", name="Contents").bounding_box()
        assert nav["height"] > box(page, ".prose > h6:last-child")["y"] - nav["y"]
        assert nav["y"] + nav["height"] <= box(page, ".article-meta")["y"]
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


def test_on_a_phone_the_watch_button_does_not_touch_the_contents(browser, live_server):
    UserFactory(username="warden")
    make_article(title="Village green", texts=(LONG_TEXT,))
    context, page = open_article(browser, live_server, width=390, height=844)
    try:
        log_in(page, "warden")
        page.goto("/wiki/village-green/")
        watch = page.get_by_role("button", name="Watch").bounding_box()
        nav = page.get_by_role("navigation", name="Contents").bounding_box()
        assert watch["y"] + watch["height"] + 8 <= nav["y"]
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


TOO_LONG_LINES = """() => [...document.querySelectorAll("main p, main li")]
    .filter((el) => el.offsetParent && !el.closest("table, pre, nav, .site-header"))
    .filter((el) => !el.querySelector("p, div, article, ul, ol, dl, form, h2, h3"))
    .filter((el) => {
        const zero = document.createElement("span");
        zero.textContent = "0";
        zero.style.position = "absolute";
        el.appendChild(zero);
        const ch = zero.getBoundingClientRect().width;
        zero.remove();
        const text = document.createRange();
        text.selectNodeContents(el);
        return text.getBoundingClientRect().width > 76 * ch;
    })
    .map((el) => el.outerHTML.slice(0, 80))"""


def test_on_a_wide_screen_no_text_runs_past_a_readable_measure(browser, live_server):
    moderator = UserFactory(username="warden")
    moderator.groups.add(Group.objects.get_or_create(name="moderators")[0])
    article = make_article(title="Village green", texts=(LONG_TEXT, LONG_TEXT + "More.\n"))
    post(article, "Who mows the green in June? " * 8, author=signed_in(moderator))
    held_comment(article, "Is the maypole up yet? " * 10)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, "warden")
        for url in [
            "/wiki/village-green/",
            "/wiki/village-green/history/",
            "/recent/",
            "/search/?q=green",
            "/moderation/",
        ]:
            page.goto(url)
            assert page.evaluate(TOO_LONG_LINES) == [], url
    finally:
        context.close()


def is_dark(page) -> bool:
    """The page's own background is dark (its luminance below a fifth)."""
    return page.evaluate(
        """() => {
        const [r, g, b] = getComputedStyle(document.documentElement).backgroundColor
            .match(/\\d+/g).slice(0, 3).map(Number);
        return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255 < 0.2;
    }"""
    )


def test_a_reader_who_prefers_dark_gets_dark_pages_that_pass_axe(browser, live_server):
    moderator = UserFactory(username="warden")
    moderator.groups.add(Group.objects.get_or_create(name="moderators")[0])
    make_article(title="Main Page", texts=("Welcome to the **commons**. See [[Village green]].\n",))
    article = make_article(
        title="Village green",
        texts=(
            CODE + LONG_TEXT + "See [[A missing page]].\n",
            CODE + LONG_TEXT.replace("mown", "cut", 1) + "See [[Main Page]].\n",
        ),
        user=moderator,
    )
    question = post(article, "Who mows the green in June?", author=signed_in(moderator))
    post(article, "The **volunteers** do.", author=signed_in(moderator), parent=question)
    held_comment(article, "Is the maypole up yet?")

    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        color_scheme="dark",
        bypass_csp=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        pages = [
            "/",
            "/wiki/village-green/",
            "/wiki/village-green/history/",
            "/wiki/village-green/diff/1/2/",
            "/wiki/village-green/revisions/1/",
            "/recent/",
            "/search/?q=green",
            "/wiki/",
            "/accounts/login/",
            "/accounts/signup/",
        ]
        for url in pages:
            page.goto(url)
            assert is_dark(page), url
            assert_accessible(page)
            if url == "/wiki/village-green/":
                screenshot(page, "article-dark")

        page.goto("/accounts/login/")
        page.get_by_role("button", name="Log in").click()
        assert page.locator(".form-errors, .error").first.is_visible()
        assert_accessible(page)

        log_in(page, "warden")
        signed_in_pages = [
            "/wiki/village-green/",
            "/wiki/village-green/edit/",
            "/moderation/",
            "/moderation/log/",
            "/notifications/",
            "/accounts/preferences/",
        ]
        notify(
            kind=NoticeKind.REPLY,
            key="reply:layout",
            recipient_ids=[moderator.pk],
            text="robin replied to your comment on “Village green”",
            url=article.get_absolute_url(),
            article_id=article.pk,
        )
        for url in signed_in_pages:
            page.goto(url)
            assert is_dark(page), url
            assert_accessible(page)
    finally:
        context.close()


def test_highlighted_code_passes_axe_in_the_light_theme_too(axe_page):
    make_article(title="Village green", texts=(CODE + LONG_TEXT,))
    axe_page.goto("/wiki/village-green/")
    assert axe_page.locator(".highlight .c1").is_visible()
    assert_accessible(axe_page)


RING_CONTRAST = """(element) => {
    const luminance = (colour) => {
        const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((c) => {
            const v = Number(c) / 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
        const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
        return (light + 0.05) / (dark + 0.05);
    };
    const style = getComputedStyle(element);
    const page = getComputedStyle(document.documentElement).backgroundColor;
    const colours = [style.outlineColor, ...(style.boxShadow.match(/rgba?\\([^)]*\\)/g) || [])];
    return Math.max(...colours.map((colour) => ratio(colour, page)));
}"""


def test_the_focus_ring_stands_out_in_both_themes(browser, live_server):
    make_article(title="Village green", texts=(LONG_TEXT,))
    for scheme in ("light", "dark"):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1440, "height": 900}, color_scheme=scheme
        )
        page = context.new_page()
        try:
            page.goto("/wiki/village-green/")
            page.locator("body").focus()
            link = page.get_by_role("navigation", name="Contents").get_by_role("link").first
            for _ in range(30):
                page.keyboard.press("Tab")
                if link.evaluate("(a) => a === document.activeElement"):
                    break
            else:
                raise AssertionError("the contents' first link never got the focus with Tab")
            assert link.evaluate("(a) => getComputedStyle(a).outlineStyle") == "solid", scheme
            assert link.evaluate(RING_CONTRAST) >= 3, scheme
        finally:
            context.close()
