"""An editor's main flow in a real browser: create, edit, history, diff, revert."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name=username).wait_for()


def test_editor_creates_edits_compares_and_reverts(page):
    UserFactory(username="editor")
    log_in(page, "editor")

    page.goto("/wiki/river-commons/")
    page.get_by_role("link", name="Create the article").click()
    page.get_by_role("textbox", name="Title", exact=True).fill("River commons")
    page.get_by_label("Text (Markdown)").fill(
        "Rivers are shared by **everyone** downstream.\n\nSee [[Water rights]].\n"
    )
    page.get_by_role("button", name="Preview").click()
    assert page.locator(".preview strong").inner_text() == "everyone"
    page.get_by_label("Edit summary").fill("First draft")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".message").inner_text().startswith("Created")
    assert page.locator(".prose a.wikilink.new").inner_text() == "Water rights"
    screenshot(page, "article")

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Text (Markdown)").fill(
        "Rivers are shared by **everyone** living downstream.\n\nSee [[Water rights]].\n"
    )
    page.get_by_label("Edit summary").fill("Be precise")
    page.get_by_role("button", name="Save").click()
    assert "Saved revision 2" in page.locator(".message").inner_text()
    assert "living downstream" in page.locator(".prose").inner_text()

    page.get_by_role("link", name="History").click()
    assert page.locator(".history-table tbody tr").count() == 2
    screenshot(page, "history")
    page.get_by_role("button", name="Compare selected revisions").click()
    assert page.locator(".diff ins").first.inner_text().strip() == "living"
    screenshot(page, "diff")

    page.get_by_role("button", name="Revert to revision 1").click()
    assert "Reverted to revision 1" in page.locator(".message").inner_text()
    assert "living" not in page.locator(".prose").inner_text()
    page.get_by_role("link", name="History").click()
    assert page.locator(".history-table tbody tr").count() == 3
