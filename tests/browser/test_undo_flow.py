"""Undo and rollback in a real browser: an editor undoes a middle edit with a later edit on
top (and resolves a marked conflict); a moderator rolls back a vandal's run of edits from
recent changes. axe-core checks the pages on the way."""

import pytest
from django.contrib.auth.models import Group

from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.conftest import contributor
from tests.factories import UserFactory
from tests.wiki.helpers import make_article
from wiki.models import Article
from wiki.services import save_edit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "The orchard has twelve apple trees.\n\n"
    "Pruning happens in February.\n\n"
    "Anyone may pick the fallen fruit.\n"
)


def log_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail address").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def edit(article, source, user):
    article.refresh_from_db()
    return save_edit(
        slug=article.slug,
        title=article.title,
        source=source,
        base_number=article.current_revision.number,
        contributor=contributor(user),
    ).revision


def test_editor_undoes_a_middle_edit_with_a_later_edit_on_top(axe_page):
    page = axe_page
    author = UserFactory(username="gardener")
    careless = UserFactory(username="careless")
    UserFactory(username="editor")
    article = make_article(title="Orchard", texts=(TEXT,), user=author)
    edit(article, TEXT.replace("twelve", "twenty"), careless)  # the mistake, revision 2
    edit(
        article,
        TEXT.replace("twelve", "twenty").replace("February", "late February"),
        author,
    )

    log_in(page, "editor")
    page.goto(f"/wiki/{article.slug}/history/")
    assert_accessible(page)
    page.get_by_role("link", name="undo revision 2", exact=True).click()

    assert "Undoing revision 2 by careless" in page.locator(".notice").inner_text()
    text = page.get_by_label("Text (Markdown)")
    assert text.input_value() == TEXT.replace("February", "late February")
    assert page.get_by_label("Edit summary").input_value() == "Undo revision 2 by careless"
    assert_accessible(page)
    screenshot(page, "undo")

    page.get_by_role("button", name="Preview").click()
    assert "twelve apple trees" in page.locator(".preview").inner_text()
    page.get_by_role("button", name="Save").click()

    assert "Saved revision 4" in page.locator(".message").inner_text()
    prose = page.locator(".prose").first.inner_text()
    assert "twelve apple trees" in prose and "late February" in prose
    page.get_by_role("link", name="History").click()
    assert page.locator(".history-table tbody tr").count() == 4
    assert "Undo revision 2 by careless" in page.locator(".history-table").inner_text()


def test_editor_resolves_the_conflict_an_undo_marks(page):
    author = UserFactory(username="gardener")
    UserFactory(username="editor")
    article = make_article(title="Orchard", texts=(TEXT,), user=author)
    edit(article, TEXT.replace("twelve", "twenty"), author)
    edit(article, TEXT.replace("twelve", "twenty-one"), author)  # the same line again

    log_in(page, "editor")
    page.goto(f"/wiki/{article.slug}/diff/1/2/")
    page.get_by_role("link", name="Undo this change").click()

    assert "Later edits changed the same lines in 1 place" in page.get_by_role("alert").inner_text()
    text = page.get_by_label("Text (Markdown)")
    marked = text.input_value()
    assert "<<<<<<< conflict 1: the current text (revision 3)\n" in marked
    assert "======= the text before revision 2\n" in marked
    assert Article.objects.get(pk=article.pk).revisions.count() == 3  # nothing saved yet
    screenshot(page, "undo-conflict")

    text.fill(TEXT.replace("twelve", "twenty-one (twelve before the storm)"))
    page.get_by_role("button", name="Save").click()
    assert "Saved revision 4" in page.locator(".message").inner_text()
    assert "before the storm" in page.locator(".prose").first.inner_text()


def test_moderator_rolls_back_a_vandals_run_of_edits(axe_page):
    page = axe_page
    author = UserFactory(username="gardener")
    vandal = UserFactory(username="vandal")
    moderator = UserFactory(username="warden")
    moderator.groups.add(Group.objects.get_or_create(name="moderators")[0])
    article = make_article(title="Orchard", texts=(TEXT,), user=author)
    for junk in ("BUY PILLS\n", "BUY PILLS NOW\n", "BUY PILLS NOW!!!\n"):
        edit(article, junk, vandal)

    log_in(page, "warden")
    page.goto("/recent/")
    assert_accessible(page)
    screenshot(page, "recent-rollback")
    rollback = page.get_by_role("button", name="rollback edits by vandal on Orchard")
    assert rollback.count() == 1  # only on the current revision
    rollback.click()

    assert (
        "Rolled back edits by vandal to revision 1: saved as revision 5"
        in page.locator(".message").inner_text()
    )
    assert "BUY PILLS" not in page.locator(".prose").first.inner_text()
    page.get_by_role("link", name="History").click()
    assert page.locator(".history-table tbody tr").count() == 5  # nothing removed
    assert_accessible(page)
    screenshot(page, "history-after-rollback")
    assert Article.objects.get(pk=article.pk).current_revision.source == TEXT
