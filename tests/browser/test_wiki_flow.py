"""An editor's main flow in a real browser: create, edit, history, diff, revert."""

import pytest

from tests.browser.conftest import screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail address").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


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


def test_editor_resolves_a_conflict_without_losing_either_text(page):
    from tests.conftest import contributor
    from wiki.models import Article
    from wiki.services import save_edit

    editor = UserFactory(username="editor")
    other = UserFactory(username="other")
    save_edit(
        slug="meadow",
        title="Meadow",
        source="The meadow is mown in June.\n",
        base_number=None,
        contributor=contributor(editor),
    )
    log_in(page, "editor")
    page.goto("/wiki/meadow/edit/")
    # While this tab is open, someone else changes the same line.
    save_edit(
        slug="meadow",
        title="Meadow",
        source="The meadow is mown in July.\n",
        base_number=1,
        contributor=contributor(other),
    )
    page.get_by_label("Text (Markdown)").fill("The meadow is mown in late June.\n")
    page.get_by_role("button", name="Save").click()
    assert "Edit conflict" in page.locator("h1").inner_text()
    assert "mown in July" in page.locator(".diff").inner_text()
    assert (
        page.get_by_label("Text (Markdown)").input_value() == "The meadow is mown in late June.\n"
    )
    screenshot(page, "conflict")
    page.get_by_label("Text (Markdown)").fill("The meadow is mown in late June or July.\n")
    page.get_by_role("button", name="Save my version").click()
    assert "Saved revision 3" in page.locator(".message").inner_text()
    article = Article.objects.get(slug="meadow")
    assert article.current_revision.source == "The meadow is mown in late June or July.\n"
    assert article.revisions.get(number=2).source == "The meadow is mown in July.\n"
