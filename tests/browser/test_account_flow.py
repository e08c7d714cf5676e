"""A newcomer's account in a real browser: sign up with an address, follow the link in the
mail to verify it, log out, forget the password and reset it by the mailed link, and log in
with the new one; axe-core checks every page on the way."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "a first pass phrase 42"
SECOND = "a second pass phrase 43"


def mailed_link(live_server) -> str:
    """The link in the last mail: the live server runs in this process, so its mail is in
    Django's test outbox."""
    path = re.search(r"https?://[^/\s]+(/accounts/\S+/)", mail.outbox[-1].body).group(1)
    return live_server.url + path


def test_sign_up_verify_log_out_reset_the_password_and_log_in(axe_page, live_server):
    page = axe_page
    mail.outbox.clear()
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "account-signup")
    page.get_by_label("E-mail address").fill("robin@example.test")
    page.get_by_label("User name").fill("robin")
    page.locator("#id_password1").fill(FIRST)  # "Password" is also part of "Password again"
    page.get_by_label("Password again").fill(FIRST)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("navigation", name="Site").get_by_role("link", name="robin").wait_for()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["robin@example.test"]

    page.goto(mailed_link(live_server))
    expect(page.get_by_role("heading", name="Confirm your e-mail address")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "account-confirm-email")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You have verified robin@example.test.")).to_be_visible()
    assert EmailAddress.objects.get(email="robin@example.test").verified

    page.get_by_role("navigation", name="Site").get_by_role("link", name="Account").click()
    account = page.get_by_role("navigation", name="Your account")
    for name in ("Name and profile", "Notifications", "Password", "Close account"):
        expect(account.get_by_role("link", name=name)).to_be_visible()
    account.get_by_role("link", name="E-mail address").click()
    expect(page.get_by_role("heading", name="E-mail address")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New e-mail address").fill("robin@elsewhere.example.test")
    page.get_by_role("button", name="Change the address").click()
    expect(page.get_by_text("pending verification")).to_be_visible()
    expect(page.get_by_text("robin@example.test stays your address")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "account-email")
    page.get_by_role("button", name="Cancel the change").click()
    expect(page.get_by_text("pending verification")).to_have_count(0)
    assert len(mail.outbox) == 2
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Password").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "account-password-change")

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").click()
    assert_accessible(page)
    screenshot(page, "account-login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "account-password-reset")
    page.get_by_label("E-mail address").fill("robin@example.test")
    page.get_by_role("button", name="Send me the link").click()
    expect(page.get_by_role("heading", name="Check your mail")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "account-password-reset-done")
    assert len(mail.outbox) == 3

    page.goto(mailed_link(live_server))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "account-password-reset-from-key")
    page.locator("#id_password1").fill(SECOND)
    page.get_by_label("New password again").fill(SECOND)
    page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", name="Your password is changed")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Log in", exact=True).first.click()
    page.get_by_label("User name or e-mail address").fill("robin@example.test")
    page.get_by_label("Password").fill(FIRST)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("The user name or password is wrong.")).to_be_visible()
    page.get_by_label("Password").fill(SECOND)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Site").get_by_role("link", name="robin").wait_for()
