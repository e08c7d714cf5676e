"""The conversation in a real browser: a reply that quotes a selection and mentions a
third person rings the bell of both people it concerns, and reading clears it; Preview;
the anonymous commenter remembered on this device only; the profile on the user page."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail

from comments.models import Comment
from notifications.models import Notice, NoticeKind
from tests.browser.conftest import screenshot
from tests.browser.test_wiki_flow import log_in
from tests.comments.helpers import post, signed_in
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def select_text(page, selector: str, text: str) -> None:
    """Select `text` inside the first text node under `selector` that holds it."""
    page.evaluate(
        """([selector, text]) => {
            const root = document.querySelector(selector);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(text);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + text.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("text not found");
        }""",
        [selector, text],
    )


def test_a_reply_quotes_a_selection_and_mentions_a_third_person(page):
    ann = UserFactory(username="ann")
    bea = UserFactory(username="bea")
    cal = UserFactory(username="cal")
    trusted = Group.objects.get_or_create(name="moderators")[0]  # published at once
    ann.groups.add(trusted)
    bea.groups.add(trusted)
    article = make_article(title="Meadow", texts=("A shared meadow.\n",), user=ann)
    first = post(
        article,
        "We mow in June. The hay goes to the farm.",
        author=signed_in(ann),
    )

    log_in(page, "bea")
    page.goto("/wiki/meadow/")
    select_text(page, f"#comment-{first.pk} .comment-body", "The hay goes to the farm.")
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Quote").click()
    box = page.get_by_role("textbox", name="Comment", exact=True)
    assert box.input_value() == (
        f"> [ann wrote](/comments/{first.pk}/):\n>\n> The hay goes to the farm.\n\n"
    )
    assert page.locator("#comment-form h3").inner_text() == "Reply to a comment"
    box.press("End")
    box.type("Which farm? @cal knows.")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".comment-preview")
    assert preview.get_by_role("link", name="@cal").get_attribute("href") == "/users/cal/"
    assert "The hay goes to the farm." in preview.locator("blockquote").inner_text()
    screenshot(page, "conversation-preview")
    assert not Comment.objects.filter(author__username="bea").exists()

    page.get_by_role("button", name="Post reply").click()
    assert "Your comment is posted" in page.locator(".messages").inner_text()
    reply = Comment.objects.get(author__username="bea")
    shown = page.locator(f"#comment-{reply.pk}")
    back = shown.locator("blockquote").get_by_role("link", name="ann wrote")
    assert back.get_attribute("href") == f"/comments/{first.pk}/"
    assert "We mow in June" not in shown.inner_text()  # only the selection was quoted
    assert shown.get_by_role("link", name="@cal").get_attribute("href") == "/users/cal/"
    screenshot(page, "conversation-quote-and-mention")

    # cal is told of the mention; ann, whose comment it answers, of the reply (which the
    # reply listener tells, by e-mail here), and not of a mention.
    mentions = Notice.objects.filter(kind=NoticeKind.MENTION)
    assert [(n.recipient, n.url) for n in mentions] == [(cal, f"/comments/{reply.pk}/")]
    assert reply.parent_id == first.pk
    assert [m.to for m in mail.outbox if "replied to your comment" in m.subject] == [[ann.email]]
    assert [m.to for m in mail.outbox if "mentioned you" in m.subject] == [[cal.email]]

    back.click()
    page.wait_for_url(f"**/wiki/meadow/#comment-{first.pk}")

    # The bell rings for both: ann (answered) and cal (named); marking read clears it.
    for person, line in (
        ("ann", "bea replied to your comment on “Meadow”"),
        ("cal", "bea mentioned you"),
    ):
        page.context.clear_cookies()
        log_in(page, person)
        page.goto("/wiki/meadow/")
        page.get_by_role("link", name="Notifications, 1 unread").click()
        assert line in page.locator(".notice-list").inner_text()
        page.get_by_role("button", name="Mark all read").click()
        assert page.locator(".nav-bell__count").count() == 0
        page.goto("/wiki/meadow/")
        assert page.get_by_role("link", name="Notifications", exact=True).is_visible()


def test_quote_without_a_selection_quotes_the_whole_comment(page):
    writer = UserFactory(username="ann")
    UserFactory(username="bea")
    article = make_article(title="Meadow", texts=("A shared meadow.\n",))
    first = post(article, "Line one.\n\nLine two.", author=signed_in(writer))
    Comment.objects.filter(pk=first.pk).update(status="published")
    log_in(page, "bea")
    page.goto("/wiki/meadow/")
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Quote").click()
    page.wait_for_url(f"**/wiki/meadow/?reply={first.pk}&quote=1#comment-form")
    box = page.get_by_role("textbox", name="Comment", exact=True)
    assert box.input_value() == (
        f"> [ann wrote](/comments/{first.pk}/):\n>\n> Line one.\n>\n> Line two.\n\n"
    )


def test_an_anonymous_commenter_is_remembered_on_this_device_only_with_consent(
    browser, live_server
):
    make_article(title="Meadow", texts=("A shared meadow.\n",))

    def visit(storage_state=None):
        context = browser.new_context(base_url=live_server.url, storage_state=storage_state)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/wiki/meadow/")
        return context, page

    context, page = visit()
    remember = page.get_by_label("Remember my name and e-mail on this device")
    assert not remember.is_checked()
    page.get_by_role("textbox", name="Comment", exact=True).fill("Lovely meadow!")
    page.get_by_role("textbox", name="Name").fill("Robin")
    page.get_by_role("textbox", name="E-mail").fill("robin@example.test")
    remember.check()
    screenshot(page, "conversation-remember")
    page.get_by_role("button", name="Post comment").click()
    assert "awaiting moderation" in page.locator(".messages").inner_text()
    cookies = context.cookies()
    assert not any("robin" in cookie["value"].lower() for cookie in cookies)
    state = context.storage_state()
    context.close()

    # The next visit: the same browser storage, but no cookies (no session on our side).
    state["cookies"] = []
    context, page = visit(state)
    assert page.get_by_role("textbox", name="Name").input_value() == "Robin"
    assert page.get_by_role("textbox", name="E-mail").input_value() == "robin@example.test"
    remember = page.get_by_label("Remember my name and e-mail on this device")
    assert remember.is_checked()
    remember.uncheck()  # forget them
    state = context.storage_state()
    context.close()

    state["cookies"] = []
    context, page = visit(state)
    assert page.get_by_role("textbox", name="Name").input_value() == ""
    assert not page.get_by_label("Remember my name and e-mail on this device").is_checked()
    context.close()

    # Someone else reading the page never gets them: the server never had them to share.
    context, page = visit()
    assert "robin@example.test" not in page.content()
    context.close()


def test_a_person_edits_their_profile_and_it_shows_on_their_page(page):
    UserFactory(username="ann")
    log_in(page, "ann")
    page.goto("/users/ann/")
    page.get_by_role("link", name="Edit your profile").click()
    page.get_by_label("Display name").fill("Ann of the Meadow")
    page.get_by_label("About you").fill("I keep **bees** by the meadow.")
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".comment-preview strong").inner_text() == "bees"
    screenshot(page, "profile-edit")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Ann of the Meadow (ann)"
    assert page.locator(".profile-about strong").inner_text() == "bees"
    screenshot(page, "user-page")


def test_an_edit_summary_mention_links_to_the_person_in_history(page):
    UserFactory(username="cal")
    editor = UserFactory(username="ann")
    editor.groups.add(Group.objects.get_or_create(name="moderators")[0])
    make_article(title="Meadow", texts=("A shared meadow.\n",), user=editor)
    log_in(page, "ann")
    page.goto("/wiki/meadow/edit/")
    page.get_by_role("textbox", name="Edit summary").fill("Hay dates, as @cal asked")
    page.locator("textarea[name=source]").fill("A shared meadow, mown in June.\n")
    page.get_by_role("button", name="Save").click()
    page.goto("/wiki/meadow/history/")
    mention = page.get_by_role("link", name="@cal")
    assert mention.get_attribute("href") == "/users/cal/"
    screenshot(page, "history-summary-mention")
    mention.click()
    page.wait_for_url("**/users/cal/")
