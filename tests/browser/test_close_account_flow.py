"""A person without a verified address watches an article and is told where edits reach
them; then closes their account from their own page, once with a wrong password."""

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in(page, live_server, user) -> None:
    """The browser carries a session of `user` (whatever the log-in page looks like)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


def test_a_person_watches_without_mail_then_closes_their_account(axe_page, live_server):
    page = axe_page
    person = UserFactory(username="robin", verified=False)
    make_article(title="Orchard", texts=("Apples for everyone.\n",), user=person)
    signed_in(page, live_server, person)

    page.goto("/wiki/orchard/")
    page.get_by_role("button", name="Watch").click()
    assert "add a verified address to get e-mail" in page.locator(".messages").inner_text()
    note = page.locator(".watch-mail-note")
    assert "notifications only" in note.inner_text()
    assert note.get_by_role("link", name="Add a verified address").is_visible()
    assert_accessible(page)
    screenshot(page, "watch-star-without-address")

    page.goto("/users/robin/")
    page.get_by_role("link", name="Close your account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Close your account"
    assert "forgotten-" in page.locator(".close-account").inner_text()
    assert_accessible(page)
    screenshot(page, "close-account")

    page.get_by_label("Your password").fill("not it")
    page.get_by_role("button", name="Close my account for good").click()
    assert "That is not your password" in page.locator(".field--error").inner_text()
    assert_accessible(page)

    page.get_by_label("Your password").fill("correct horse battery staple")
    page.get_by_role("button", name="Close my account for good").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your account is closed"
    assert f"forgotten-{person.pk}" in page.locator("#content").inner_text()
    assert_accessible(page)
    screenshot(page, "account-closed")
    person.refresh_from_db()
    assert person.username == f"forgotten-{person.pk}" and not person.is_active
