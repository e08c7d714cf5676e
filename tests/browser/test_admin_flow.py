"""An admin's main flow in the Django admin, in a real browser: log in, find an article,
read its revisions, never a way to delete, archive one with the action; axe-core checks
every page on the way."""

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.factories import UserFactory
from tests.wiki.helpers import make_article
from wiki.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_delete(page):
    assert page.get_by_role("link", name="Delete").count() == 0
    assert page.get_by_role("button", name="Delete").count() == 0
    assert page.locator("a.deletelink, .delete-confirmation, input[name$='-DELETE']").count() == 0
    assert page.locator("select[name='action'] option[value='delete_selected']").count() == 0


def test_admin_finds_reads_and_archives_an_article(axe_page):
    page = axe_page
    UserFactory(username="root", is_staff=True, is_superuser=True)
    make_article(
        title="Village green",
        texts=("Mown by volunteers.\n", "Mown by neighbours.\n", "Mown on Saturdays.\n"),
    )
    make_article(title="Orchard", texts=("Apples.\n",))

    page.goto("/admin/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Administer Commons").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Articles").click()
    page.get_by_role("heading", name="Select article to change").wait_for()
    no_delete(page)
    assert_accessible(page)

    page.locator("#searchbar").fill("green")
    with page.expect_navigation():
        page.locator("#searchbar").press("Enter")
    assert page.url.endswith("?q=green")
    results = page.locator("#result_list tbody tr")
    assert results.count() == 1
    assert "Village green" in results.inner_text()
    assert_accessible(page)
    screenshot(page, "admin-articles")

    results.get_by_role("link", name="Village green").click()
    inline = page.locator(".inline-group")
    inline.wait_for()
    assert inline.locator("tbody tr.form-row").count() == 3
    assert "Mown on Saturdays" not in inline.inner_text()  # metadata only, no text
    no_delete(page)
    assert_accessible(page)
    screenshot(page, "admin-article")

    page.goto("/admin/wiki/article/")
    row = page.locator("#result_list tbody tr", has_text="Orchard")
    row.locator("input[name='_selected_action']").check()
    page.locator("select[name='action']").select_option(label="Archive the selected articles")
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()
    assert "Archived." in page.locator(".messagelist").inner_text()
    assert Article.objects.get(slug="orchard").archived_at is not None
    assert Article.objects.get(slug="village-green").archived_at is None
    archived = page.locator("#result_list tbody tr", has_text="Orchard")
    assert archived.locator(".field-archived_at").inner_text().strip() not in ("", "-")
    no_delete(page)
    assert_accessible(page)
