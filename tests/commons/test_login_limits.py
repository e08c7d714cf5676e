"""Log-in lock-out, the sign-up limit and the sign-up honeypot."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from commons import ratelimit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery staple"


def log_in(client, username, password, url="/accounts/login/"):
    # allauth's log-in form calls its field `login` (a user name or an e-mail address).
    field = "username" if url.startswith("/admin/") else "login"
    return client.post(url, {field: username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_41st_log_in_with_the_right_password_is_refused_and_says_when_to_try_again():
    person = UserFactory(username="robin")
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(40):
        log_in(client, person.username, "wrong guess")
    response = log_in(client, person.username, RIGHT)
    assert response.status_code == 429
    assert not signed_in(client)
    body = response.content.decode()
    assert "Too many failed log-ins for this account. Try again in 1 minute." in body
    assert "The user name or password is wrong" not in body
    assert int(response["Retry-After"]) <= 60


def test_a_few_typos_then_the_right_password_still_sign_in():
    person = UserFactory(username="robin")
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(4):
        assert log_in(client, person.username, "typo").status_code == 200
    assert log_in(client, person.username, RIGHT).status_code == 302
    assert signed_in(client)


def test_guessing_by_name_and_by_e_mail_address_counts_against_one_account():
    person = UserFactory(username="robin")
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(5):
        login = person.username if n % 2 else person.email.upper()
        assert log_in(client, login, "wrong guess").status_code == 200
    response = log_in(client, person.email, RIGHT)
    assert response.status_code == 429
    assert "Too many failed log-ins for this account." in response.content.decode()
    assert log_in(client, person.username, RIGHT).status_code == 429
    assert not signed_in(client)


def test_guesses_across_many_accounts_from_one_address_lock_the_address(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(20):
        log_in(client, f"someone{n}", "guess")
    person = UserFactory(username="robin")
    response = log_in(client, person.username, RIGHT)
    assert response.status_code == 429
    assert not signed_in(client)
    assert "Too many failed log-ins from your address. Try again in" in response.content.decode()
    elsewhere = Client(REMOTE_ADDR="192.0.2.1")
    assert log_in(elsewhere, person.username, RIGHT).status_code == 302


def test_each_new_lock_lasts_twice_as_long_as_the_last_up_to_the_cap(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 1000
    settings.LOGIN_LOCKOUT_SECONDS = 60
    settings.LOGIN_LOCKOUT_MAX_SECONDS = 900
    now = 1_000_000.0
    locks = []
    for _ in range(7):
        for _ in range(5):
            assert (
                ratelimit.start_login_attempt(username="robin", ip="198.51.100.7", now=now) is None
            )
            ratelimit.finish_login_attempt(username="robin", ip="198.51.100.7", succeeded=False)
        lockout = ratelimit.start_login_attempt(username="robin", ip="198.51.100.7", now=now)
        assert lockout.locked == "account"
        still = ratelimit.start_login_attempt(username="robin", ip="198.51.100.7", now=now + 30)
        assert still.seconds == lockout.seconds - 30
        locks.append(lockout.seconds)
        now += lockout.seconds + 1
    assert locks == [60, 120, 240, 480, 900, 900, 900]


def test_a_stranger_cannot_lock_the_person_out_at_the_address_they_use():
    person = UserFactory(username="robin")
    home = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(home, person.username, RIGHT).status_code == 302
    home.post("/accounts/logout/")
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(10):
        log_in(stranger, person.username, "guess")
    assert log_in(stranger, person.username, RIGHT).status_code == 429
    assert log_in(Client(REMOTE_ADDR="192.0.2.1"), person.username, RIGHT).status_code == 429
    assert log_in(home, person.username, RIGHT).status_code == 302
    assert signed_in(home)


def test_the_admin_log_in_is_locked_out_by_the_same_count():
    UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):
        log_in(client, "root", "guess", url="/admin/login/")
    for _ in range(3):
        log_in(client, "root", "guess")
    response = log_in(client, "root", RIGHT, url="/admin/login/")
    assert not signed_in(client)
    assert "Too many failed log-ins for this account. Try again in" in response.content.decode()


def sign_up(client, username, **extra):
    data = {
        "username": username,
        "email": f"{username}@example.test",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
    }
    return client.post("/accounts/signup/", {**data, **extra})


def test_sign_ups_from_one_address_are_limited_and_say_when_to_try_again(settings):
    settings.SIGNUP_RATE_LIMIT = "3/3600"
    for n in range(3):
        assert sign_up(Client(REMOTE_ADDR="198.51.100.7"), f"newcomer{n}").status_code == 302
    response = sign_up(Client(REMOTE_ADDR="198.51.100.7"), "newcomer3")
    assert response.status_code == 429
    assert (
        "Too many accounts were made from your address. Try again in" in response.content.decode()
    )
    assert not get_user_model().objects.filter(username="newcomer3").exists()
    assert sign_up(Client(REMOTE_ADDR="192.0.2.1"), "newcomer3").status_code == 302


def test_a_filled_honeypot_on_sign_up_makes_no_account_and_says_why(client):
    response = sign_up(client, "botty", homepage="https://spam.example/")
    assert response.status_code == 400
    assert "This sign-up looks automated, so no account was made." in response.content.decode()
    assert not get_user_model().objects.filter(username="botty").exists()
    assert "spam.example" not in response.content.decode()


def test_the_sign_up_honeypot_is_hidden_from_people(client):
    body = client.get("/accounts/signup/").content.decode()
    assert '<div class="hp" aria-hidden="true"><label for="id_homepage">' in body
    assert 'tabindex="-1"' in body
