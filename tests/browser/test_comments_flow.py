"""Commenting in a real browser: anonymous and signed in, reply, reply to the reply,
edit and remove, and the messages for missing fields."""

import pytest
from django.contrib.auth.models import Group

from comments.models import Comment
from moderation.states import Status
from tests.browser.conftest import screenshot
from tests.browser.test_wiki_flow import log_in
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_commenter_sees_errors_then_posts_and_waits(page):
    make_article(title="Meadow", texts=("A shared meadow.\n",))
    page.goto("/wiki/meadow/")
    page.get_by_role("textbox", name="Comment", exact=True).fill("Lovely meadow!")
    page.get_by_role("button", name="Post comment").click()
    assert "Please give a name" in page.locator(".comment-form").inner_text()
    assert "Please give an e-mail" in page.locator(".comment-form").inner_text()
    assert page.get_by_role("textbox", name="Comment", exact=True).input_value() == "Lovely meadow!"
    page.get_by_role("textbox", name="Name").fill("Robin")
    page.get_by_role("textbox", name="E-mail").fill("robin@example.test")
    page.get_by_role("button", name="Post comment").click()
    assert "awaiting moderation" in page.locator(".messages").inner_text()
    comment = page.locator(".comment").first
    assert "Lovely meadow!" in comment.inner_text()
    assert "awaiting moderation" in comment.inner_text()
    assert page.get_by_role("textbox", name="Name").input_value() == "Robin"
    assert "robin@example.test" not in page.locator(".discussion ol").inner_text()
    screenshot(page, "discussion-anonymous")


def test_signed_in_users_reply_edit_and_remove(page):
    moderators = Group.objects.get_or_create(name="moderators")[0]
    alice = UserFactory(username="alice")
    alice.groups.add(moderators)
    bob = UserFactory(username="bob")
    bob.groups.add(moderators)
    make_article(title="Meadow", texts=("A shared meadow.\n",))

    log_in(page, "alice")
    page.goto("/wiki/meadow/")
    page.get_by_role("textbox", name="Comment", exact=True).fill("Who mows it?")
    page.get_by_role("button", name="Post comment").click()
    assert "Your comment is posted" in page.locator(".messages").inner_text()

    page.context.clear_cookies()
    log_in(page, "bob")
    page.goto("/wiki/meadow/")
    page.get_by_role("link", name="Reply to alice").click()
    page.get_by_role("textbox", name="Comment", exact=True).fill("We take turns.")
    page.get_by_role("button", name="Post reply").click()
    assert page.locator(".comment-list .comment-list .comment").count() == 1

    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto("/wiki/meadow/")
    page.get_by_role("link", name="Reply to bob").click()
    page.get_by_role("textbox", name="Comment", exact=True).fill("Thanks, **bob**.")
    page.get_by_role("button", name="Post reply").click()
    nested = page.locator(".comment-list .comment-list .comment-list .comment")
    assert nested.count() == 1
    assert nested.locator("strong").inner_text() == "bob"
    screenshot(page, "discussion-thread")

    first = Comment.objects.get(body="Who mows it?")
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Edit").click()
    page.get_by_role("textbox", name="Comment", exact=True).fill("Who mows the meadow?")
    page.get_by_role("button", name="Save").click()
    assert "edited" in page.locator(f"#comment-{first.pk}").inner_text()

    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Remove").click()
    page.get_by_role("button", name="Remove").click()
    assert page.locator(f"#comment-{first.pk}").inner_text().strip() == "[removed]"
    assert "We take turns." in page.locator(".discussion").inner_text()
    assert Comment.objects.get(pk=first.pk).status == Status.REMOVED
