"""The account flows as people use them: sign up and verify the address by mail, log in by
name or address, reset a forgotten password by mail, change the password and the address;
each bounded, protected by CSRF, and never a 500, even when the mail server is down."""

import datetime
import importlib
import itertools
import logging
import re
import smtplib
import time
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.mail.backends.base import BaseEmailBackend
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from gunicorn.config import Config

from notifications.notices import verified_addresses
from tests.factories import UserFactory
from website.logfilters import GunicornLogger

pytestmark = pytest.mark.django_db

User = get_user_model()
OLD = "correct horse battery staple"
NEW = "a brand-new pass phrase 7"
LINK = re.compile(r"https?://testserver(/accounts/\S+/)")


def sign_up(client, username="robin", email="robin@example.test", **extra):
    data = {"username": username, "email": email, "password1": NEW, "password2": NEW}
    return client.post("/accounts/signup/", {**data, **extra})


def link_in(mail) -> str:
    return LINK.search(mail.body).group(1)


def signed_in_as(client) -> str | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk).username if pk else None


def test_sign_up_mails_a_link_that_verifies_the_address(client, mailoutbox, settings):
    response = sign_up(client)
    assert response.status_code == 302
    assert signed_in_as(client) == "robin"
    address = EmailAddress.objects.get(email="robin@example.test")
    assert address.primary and not address.verified
    assert verified_addresses(user_ids=[address.user_id]) == {}
    [mail] = mailoutbox
    assert mail.to == ["robin@example.test"]
    assert mail.subject.startswith(f"[{settings.SITE_NAME}] ")
    assert settings.SITE_NAME in mail.body and "testserver" not in mail.subject
    link = link_in(mail)
    page = client.get(link)
    assert page.status_code == 200
    assert "robin@example.test" in page.content.decode()
    assert client.post(link).status_code == 302
    address.refresh_from_db()
    assert address.verified
    assert verified_addresses(user_ids=[address.user_id]) == {address.user_id: address.email}


def test_a_wrong_verification_link_says_so_without_an_error(client):
    response = client.get("/accounts/confirm-email/not-a-key/")
    assert response.status_code == 200
    assert "expired or is invalid" in response.content.decode()
    assert client.post("/accounts/confirm-email/not-a-key/").status_code < 500


def test_an_address_another_account_has_is_refused_with_a_clear_message(client, user):
    response = sign_up(client, username="copycat", email=user.email.upper())
    assert response.status_code == 400
    assert "That e-mail address belongs to another account." in response.content.decode()
    assert not User.objects.filter(username="copycat").exists()


@pytest.mark.parametrize("login", ["robin", "robin@example.test", "ROBIN@example.test"])
def test_log_in_by_user_name_or_by_e_mail_address(client, login):
    UserFactory(username="robin")
    response = client.post("/accounts/login/", {"login": login, "password": OLD})
    assert response.status_code == 302
    assert signed_in_as(client) == "robin"


def test_the_log_in_page_leads_to_the_password_reset(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in body
    assert 'for="id_login">User name or e-mail address' in body


def reset(client, email: str):
    return client.post("/accounts/password/reset/", {"email": email})


def test_a_reset_link_sets_a_new_password_and_the_old_one_stops_working(client, mailoutbox):
    UserFactory(username="robin")
    assert reset(client, "robin@example.test").status_code == 302
    [mail] = mailoutbox
    link = link_in(mail)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    set_password = form.redirect_chain[-1][0]
    done = client.post(set_password, {"password1": NEW, "password2": NEW})
    assert done.status_code == 302
    assert not Client().login(username="robin", password=OLD)
    assert Client().post("/accounts/login/", {"login": "robin", "password": NEW}).status_code == 302
    # The link works once.
    again = Client().get(link, follow=True)
    assert "This link does not work" in again.content.decode()


def test_a_reset_for_an_unknown_address_tells_nobody_whether_it_has_an_account(client, mailoutbox):
    UserFactory(username="robin")
    known = reset(client, "robin@example.test")
    unknown = reset(Client(), "nobody@example.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_reset_mails_cannot_flood_an_address(client, mailoutbox):
    UserFactory(username="robin")
    for n in range(3):
        assert reset(Client(REMOTE_ADDR=f"192.0.2.{n}"), "robin@example.test").status_code == 302
    response = reset(Client(REMOTE_ADDR="192.0.2.99"), "Robin@Example.test")
    assert response.status_code == 429
    assert "<h1>Too many requests</h1>" in response.content.decode()
    assert len(mailoutbox) == 3


def test_an_account_cannot_mail_verification_links_to_address_after_address(
    client, mailoutbox, monkeypatch
):
    # A minute passes between changes, so only the limit per day is met.
    clock = itertools.count(start=1_000_000, step=61)
    fake_time = SimpleNamespace(
        time=lambda: next(clock), monotonic=time.monotonic, sleep=time.sleep
    )
    monkeypatch.setattr("allauth.core.internal.ratelimit.time", fake_time)
    robin = UserFactory(username="robin")
    client.force_login(robin)
    for n in range(20):
        client.post("/accounts/email/", {"action_add": "", "email": f"stranger{n}@example.test"})
    response = client.post("/accounts/email/", {"action_add": "", "email": "one-more@example.test"})
    assert response.status_code == 429
    assert len(mailoutbox) == 20


def test_password_change_needs_the_current_password(client):
    robin = UserFactory(username="robin")
    client.force_login(robin)
    wrong = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not it", "password1": NEW, "password2": NEW},
    )
    assert wrong.status_code == 200
    assert "Please type your current password." in wrong.content.decode()
    right = client.post(
        "/accounts/password/change/", {"oldpassword": OLD, "password1": NEW, "password2": NEW}
    )
    assert right.status_code == 302
    robin.refresh_from_db()
    assert robin.check_password(NEW) and not robin.check_password(OLD)
    assert signed_in_as(client) == "robin"  # this session stays signed in


def test_a_new_address_replaces_the_old_only_once_verified(client, mailoutbox):
    robin = UserFactory(username="robin")
    client.force_login(robin)
    response = client.post(
        "/accounts/email/", {"action_add": "", "email": "robin@new.example.test"}
    )
    assert response.status_code == 302
    assert verified_addresses(user_ids=[robin.pk]) == {robin.pk: "robin@example.test"}
    assert EmailAddress.objects.get_primary(robin).email == "robin@example.test"
    page = client.get("/accounts/email/").content.decode()
    assert "robin@new.example.test" in page and "pending verification" in page
    [mail] = mailoutbox
    assert mail.to == ["robin@new.example.test"]
    assert client.post(link_in(mail)).status_code == 302
    assert verified_addresses(user_ids=[robin.pk]) == {robin.pk: "robin@new.example.test"}
    assert EmailAddress.objects.get_primary(robin).email == "robin@new.example.test"
    assert list(EmailAddress.objects.filter(user=robin).values_list("email", flat=True)) == [
        "robin@new.example.test"
    ]


TOO_LONG = "x" * 5000


@pytest.mark.parametrize(
    ("path", "data", "signed_in"),
    [
        ("/accounts/login/", {"login": TOO_LONG, "password": TOO_LONG}, False),
        ("/accounts/login/", {"login": f"{TOO_LONG}@example.test", "password": "x"}, False),
        (
            "/accounts/signup/",
            {
                "username": TOO_LONG,
                "email": f"{'a' * 250}@example.test",
                "password1": TOO_LONG,
                "password2": TOO_LONG,
            },
            False,
        ),
        ("/accounts/password/reset/", {"email": f"{'a' * 300}@example.test"}, False),
        ("/accounts/email/", {"action_add": "", "email": f"{'a' * 300}@example.test"}, True),
        ("/accounts/email/", {"action_send": "", "email": TOO_LONG}, True),
        (
            "/accounts/password/change/",
            {"oldpassword": TOO_LONG, "password1": TOO_LONG, "password2": TOO_LONG},
            True,
        ),
    ],
)
def test_too_long_input_is_refused_with_a_message_not_an_error(client, path, data, signed_in):
    robin = UserFactory(username="robin")
    if signed_in:
        client.force_login(robin)
    response = client.post(path, data)
    assert response.status_code < 500, path
    if response.status_code != 302:
        assert (
            'class="error"' in response.content.decode()
            or "form-errors" in response.content.decode()
        ), path
    assert not EmailAddress.objects.filter(email__startswith="a" * 250).exists()


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        ("/accounts/login/", False),
        ("/accounts/signup/", False),
        ("/accounts/password/reset/", False),
        ("/accounts/logout/", True),
        ("/accounts/email/", True),
        ("/accounts/password/change/", True),
    ],
)
def test_every_account_form_needs_its_csrf_token(path, signed_in):
    robin = UserFactory(username="robin")
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(robin)
    page = client.get(path)
    if page.status_code == 200:
        assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    data = {"login": "robin", "password": OLD, "email": "robin@example.test", "action_add": ""}
    assert client.post(path, data).status_code == 403


def test_logging_out_is_a_post_from_the_header(client, user):
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in_as(client) == user.username
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert signed_in_as(client) is None


class BrokenMailBackend(BaseEmailBackend):
    """A mail server that refuses the connection."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, b"try later")


@pytest.fixture
def mail_server_down(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailBackend"


def test_sign_up_while_the_mail_server_is_down_makes_the_account_and_says_how_to_retry(
    client, mail_server_down, caplog
):
    response = sign_up(client)
    assert response.status_code == 302
    assert signed_in_as(client) == "robin"
    body = client.get(response["Location"]).content.decode()
    assert "The mail to verify your e-mail address could not be sent just now." in body
    assert "Re-send verification" in body
    assert "Confirmation email sent" not in body
    [record] = [r for r in caplog.records if r.name == "website.adapter"]
    assert record.getMessage() == (
        "account mail account/email/email_confirmation_signup not sent: SMTPConnectError"
    )
    assert "robin@example.test" not in caplog.text


def test_a_reset_while_the_mail_server_is_down_says_to_try_again(client, mail_server_down):
    UserFactory(username="robin")
    response = reset(client, "robin@example.test")
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "could not be sent just now. Please try again in a few minutes." in body


def test_resending_the_verification_while_the_mail_server_is_down_says_so(client, mail_server_down):
    robin = UserFactory(username="robin", verified=False)
    EmailAddress.objects.create(user=robin, email=robin.email, primary=True)
    client.force_login(robin)
    response = client.post("/accounts/email/", {"action_send": "", "email": robin.email})
    assert response.status_code == 302
    assert "could not be sent just now" in client.get("/accounts/email/").content.decode()


@pytest.fixture
def every_log(caplog):
    """Every record at DEBUG, django.server's too (it does not propagate to the root)."""
    caplog.set_level(logging.DEBUG)
    for name in ("django.request", "django.server", "django.security", "allauth"):
        caplog.set_level(logging.DEBUG, logger=name)
    server = logging.getLogger("django.server")
    server.addHandler(caplog.handler)
    yield caplog
    server.removeHandler(caplog.handler)


def runserver_logs_a_request_for(path: str, status: str = "200") -> None:
    """The request line `manage.py runserver` logs (django.server), as for a real request."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    handler.log_message('"%s" %s %s', f"GET {path} HTTP/1.1", status, "42")


def test_no_password_and_no_key_from_the_mails_reaches_any_log(client, mailoutbox, every_log):
    caplog = every_log
    sign_up(client)
    client.post(link_in(mailoutbox[0]))
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": "robin", "password": "a wrong guess 1"})
    reset(client, "robin@example.test")
    reset_link = link_in(mailoutbox[1])
    set_password = client.get(reset_link, follow=True).redirect_chain[-1][0]
    client.post(set_password, {"password1": OLD, "password2": OLD})
    client.post("/accounts/login/", {"login": "robin@example.test", "password": OLD})
    client.post("/accounts/confirm-email/a-made-up-key/")
    secrets = [NEW, OLD, "a wrong guess 1"]
    for mail in mailoutbox:
        path = link_in(mail)
        secrets.append(path.rstrip("/").rsplit("/", 1)[-1])
        runserver_logs_a_request_for(path)
        runserver_logs_a_request_for(path, status="404")
    assert len(mailoutbox) == 2
    server_lines = [r.getMessage() for r in caplog.records if r.name == "django.server"]
    assert '"GET /accounts/confirm-email/[hidden]/ HTTP/1.1" 200 42' in server_lines
    assert caplog.records  # something was logged at all
    for record in caplog.records:
        text = record.getMessage() + repr(record.args) + repr(record.__dict__)
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        for secret in secrets:
            assert secret not in text, (record.name, secret)


def test_accounts_from_before_get_their_address_as_verified_without_doubling_any():
    migration = importlib.import_module(
        "website.migrations.0002_verified_addresses_for_existing_users"
    )
    ada = UserFactory(username="ada", email="Ada@Example.test", verified=False)
    twin = UserFactory(username="twin", email="ada@example.test", verified=False)
    nobody = UserFactory(username="nobody", email="", verified=False)
    done = UserFactory(username="done")  # already has its address
    migration.add_addresses(apps, None)
    assert verified_addresses(user_ids=[ada.pk, twin.pk, nobody.pk, done.pk]) == {
        ada.pk: "ada@example.test",
        done.pk: done.email,
    }
    assert EmailAddress.objects.get(user=ada).primary
    migration.add_addresses(apps, None)
    assert EmailAddress.objects.count() == 2


@pytest.mark.parametrize(
    ("path", "signed_in", "budget"),
    [
        ("/accounts/login/", False, 1),
        ("/accounts/signup/", False, 2),
        ("/accounts/password/reset/", False, 1),
        ("/accounts/email/", True, 8),
        ("/accounts/password/change/", True, 4),
    ],
)
def test_account_pages_take_a_fixed_number_of_queries(
    client, path, signed_in, budget, django_assert_max_num_queries
):
    robin = UserFactory(username="robin")
    if signed_in:
        client.force_login(robin)
    with django_assert_max_num_queries(budget):
        assert client.get(path).status_code == 200


def test_gunicorns_access_log_hides_the_keys_of_mailed_links(client, mailoutbox, tmp_path):
    """The production server's request lines (the Dockerfile's logger class), path and
    referrer alike, as gunicorn writes them to its access log file."""
    sign_up(client)
    reset(client, "robin@example.test")
    access_log = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(access_log))
    logger = GunicornLogger(config)
    keys = []
    for mail in mailoutbox:
        path = link_in(mail)
        keys.append(path.rstrip("/").rsplit("/", 1)[-1])
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": path,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "192.0.2.1",
            "HTTP_REFERER": f"https://wiki.example{path}",
        }
        response = SimpleNamespace(status="200 OK", sent=42, headers=[])
        request = SimpleNamespace(headers=[("REFERER", f"https://wiki.example{path}")])
        logger.access(response, request, environ, datetime.timedelta(seconds=0))
    logger.close_on_exec()
    for handler in logger.access_log.handlers:
        handler.flush()
    written = access_log.read_text()
    assert len(keys) == 2 and written.count("[hidden]") >= 4
    for key in keys:
        assert key not in written
