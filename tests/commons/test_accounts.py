"""Accounts are never deleted: deactivated, or anonymised when their person asks."""

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.test import Client

from comments.models import Comment
from commons.undeletable import HardDeleteForbidden
from moderation.models import LogAction, TargetKind, TrustLevel
from moderation.models import LogEntry as ModerationLogEntry
from moderation.services import remove
from moderation.trust import set_level
from notifications.models import Notice, NoticeKind, Preference, Subscription, Watch
from notifications.watching import subscribe_anonymous, toggle_watch
from tests.comments.helpers import anonymous, post, signed_in
from tests.wiki.helpers import make_article
from website.accounts import anonymise_user
from website.models import Profile
from wiki.models import Revision

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.test", "pw-pw-pw-1")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture
def contributions(user):
    """An article the user wrote and commented on, watches, and asked for replies on."""
    article = make_article(title="Gardens", texts=("Roses.\n",), user=user)
    comment = post(article, "I planted these.", author=signed_in(user, ip="198.51.100.44"))
    toggle_watch(user=user, article=article)
    Preference.objects.create(user=user, reply="site")
    earlier = post(article, "Before I signed up.", author=anonymous(email=user.email))
    subscribe_anonymous(comment=earlier, email=user.email.upper())
    return article, comment


def test_a_user_cannot_be_deleted_by_the_orm(user):
    article = make_article(texts=("mine\n",), user=user)
    with pytest.raises(HardDeleteForbidden), transaction.atomic():
        user.delete()
    with pytest.raises(HardDeleteForbidden), transaction.atomic():
        User.objects.filter(pk=user.pk).delete()
    assert User.objects.filter(pk=user.pk).exists()
    assert article.revisions.get().author == user


@pytest.mark.postgres
def test_raw_sql_cannot_delete_a_user(user):
    make_article(texts=("mine\n",), user=user)
    with (
        pytest.raises(DatabaseError, match="never deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM auth_user WHERE id = %s", [user.pk])
    assert User.objects.filter(pk=user.pk).exists()


def test_the_admin_has_no_delete_button_or_page_for_a_user(admin_client, user):
    page = admin_client.get(f"/admin/auth/user/{user.pk}/change/")
    assert page.status_code == 200
    assert f"/admin/auth/user/{user.pk}/delete/" not in page.content.decode()
    assert admin_client.get(f"/admin/auth/user/{user.pk}/delete/").status_code == 403
    deleting = admin_client.post(f"/admin/auth/user/{user.pk}/delete/", {"post": "yes"})
    assert deleting.status_code == 403
    selected = admin_client.post(
        "/admin/auth/user/",
        {"action": "delete_selected", "_selected_action": [user.pk], "post": "yes"},
    )
    assert selected.status_code == 302  # back to the list: no such action
    assert User.objects.filter(pk=user.pk).exists()


def test_deactivating_in_the_admin_closes_the_account_and_keeps_its_page(
    admin_client, client, user, contributions
):
    admin_client.post(
        "/admin/auth/user/", {"action": "deactivate_users", "_selected_action": [user.pk]}
    )
    user.refresh_from_db()
    assert not user.is_active
    assert not client.login(username=user.username, password="correct horse battery staple")
    page = client.get(f"/users/{user.username}/")
    assert page.status_code == 200
    assert "Gardens" in page.content.decode()
    assert Watch.objects.filter(user=user).exists()


def test_the_admin_leaves_its_own_account_alone(admin_client, root):
    admin_client.post(
        "/admin/auth/user/", {"action": "deactivate_users", "_selected_action": [root.pk]}
    )
    root.refresh_from_db()
    assert root.is_active


def test_forgetting_a_person_wipes_who_they_were_and_keeps_what_they_wrote(
    client, root, user, contributions
):
    article, comment = contributions
    old_name, old_email = user.username, user.email
    revisions_before = Revision.objects.count()
    comments_before = Comment.objects.count()

    anonymise_user(user=user, by=root)

    user.refresh_from_db()
    assert user.username == f"forgotten-{user.pk}"
    assert (user.email, user.first_name, user.last_name) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    revision = article.revisions.get()
    assert (revision.author, revision.author_name, revision.author_ip) == (
        user,
        user.username,
        None,
    )
    comment.refresh_from_db()
    assert comment.body == "I planted these."
    assert (comment.author_name, comment.author_email, comment.author_ip) == (
        user.username,
        "",
        None,
    )
    assert Revision.objects.count() == revisions_before
    assert Comment.objects.count() == comments_before
    assert not Watch.objects.filter(user=user).exists()
    assert not Preference.objects.filter(user=user).exists()
    assert not Subscription.objects.filter(email__iexact=old_email).exists()
    assert not Comment.objects.filter(author_email__iexact=old_email).exists()
    assert Comment.objects.get(body="Before I signed up.").author_name == "Robin"
    assert LogEntry.objects.filter(object_id=str(user.pk), user=root).exists()
    assert client.get(f"/users/{old_name}/").status_code == 404
    page = client.get(f"/users/{user.username}/")
    assert page.status_code == 200
    assert "Gardens" in page.content.decode()


def test_pages_stop_naming_a_forgotten_person(client, root, user, contributions):
    article, _ = contributions
    pages = [article.get_absolute_url(), f"{article.get_absolute_url()}history/", "/recent/"]
    before = {url: client.get(url).content.decode() for url in pages}
    assert all(user.username in body for body in before.values())
    old_name = user.username
    anonymise_user(user=user, by=root)
    for url in pages:
        body = client.get(url).content.decode()
        assert old_name not in body, url
        assert f"forgotten-{user.pk}" in body, url


def test_the_admin_asks_before_forgetting_a_person(admin_client, user, contributions):
    asked = admin_client.post(
        "/admin/auth/user/", {"action": "anonymise_users", "_selected_action": [user.pk]}
    )
    assert asked.status_code == 200
    assert "Forget these people?" in asked.content.decode()
    assert user.username in asked.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.email

    admin_client.post(
        "/admin/auth/user/",
        {"action": "anonymise_users", "_selected_action": [user.pk], "post": "yes"},
    )
    user.refresh_from_db()
    assert user.username == f"forgotten-{user.pk}" and user.email == ""
    assert Revision.objects.filter(author=user).exists()


def test_forgetting_never_takes_a_name_someone_signed_up_with(root, user, django_user_model):
    taken = django_user_model.objects.create_user(f"forgotten-{user.pk}", "x@example.test", "pw")
    anonymise_user(user=user, by=root)
    user.refresh_from_db()
    assert user.username.startswith(f"forgotten-{user.pk}-")
    name = user.username
    anonymise_user(user=user, by=root)
    user.refresh_from_db()
    assert user.username == name
    taken.refresh_from_db()
    assert taken.username == f"forgotten-{user.pk}" and taken.email == "x@example.test"


def test_a_person_who_chose_a_forgotten_name_still_gets_a_new_one(root, django_user_model):
    person = django_user_model.objects.create_user("forgotten-999999", "me@example.test", "pw")
    anonymise_user(user=person, by=root)
    person.refresh_from_db()
    assert person.username == f"forgotten-{person.pk}"


@pytest.fixture
def records(user, moderator, contributions):
    """What else names the person or reaches them: a second address (being confirmed), a
    profile, a notice, the moderators' log about them and what they wrote, and another
    person's notice of something they did."""
    article, comment = contributions
    second = EmailAddress.objects.create(user=user, email="robin.work@example.test")
    EmailConfirmation.create(second).save()
    Profile.objects.create(user=user, display_name="Robin Q.", about="I garden.")
    Notice.objects.create(
        recipient=user, kind=NoticeKind.REPLY, key="comment:1", text="A reply.", url="/"
    )
    post(article, "From work.", author=anonymous(name="Robin W.", email="Robin.Work@example.test"))
    set_level(user=user, level=TrustLevel.TRUSTED, by=moderator, reason="Known to us")
    remove(content=comment, by=moderator, reason="Off topic")
    notice_for_others = Notice.objects.create(
        recipient=moderator,
        kind=NoticeKind.REPLY,
        key=f"comment:{comment.pk}",
        actor_name=user.username,
        text=f"{user.username} replied to you on “Gardens of {user.username}”.",
        url="/",
    )
    return second, notice_for_others


def test_forgetting_wipes_addresses_profile_notices_and_old_names_in_the_logs(
    root, user, moderator, records
):
    second, notice_for_others = records
    old_name = user.username

    anonymise_user(user=user, by=root)

    user.refresh_from_db()
    name = f"forgotten-{user.pk}"
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not EmailAddress.objects.filter(email__iexact=second.email).exists()
    assert not EmailConfirmation.objects.exists()
    assert not Profile.objects.filter(user=user).exists()
    assert not Notice.objects.filter(recipient=user).exists()
    # Written signed out under their second address: the address goes, the words stay.
    earlier = Comment.objects.get(body="From work.")
    assert (earlier.author_email, earlier.author_name) == ("", "Robin W.")
    notice_for_others.refresh_from_db()
    assert notice_for_others.actor_name == name
    # Only who did it is renamed, not the same letters in a title.
    assert notice_for_others.text == f"{name} replied to you on “Gardens of {old_name}”."
    log = ModerationLogEntry.objects.all()
    assert not [entry for entry in log if old_name in entry.target_label + entry.target_url]
    trust = log.get(action=LogAction.SET_TRUST)
    assert (trust.target_label, trust.target_url) == (name, f"/users/{name}/")
    assert log.get(action=LogAction.REMOVE, target_kind=TargetKind.COMMENT).target_label == (
        f"comment by {name} on “Gardens”"
    )
    closed = log.get(action=LogAction.REMOVE, target_kind=TargetKind.USER)
    assert (closed.actor, closed.actor_kind, closed.target_label) == (root, "moderator", name)


PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def close(client, password=PASSWORD):
    return client.post("/accounts/close/", {"password": password})


def test_closing_needs_signing_in(client):
    response = client.get("/accounts/close/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert close(client).status_code == 302


def test_the_close_page_says_what_happens_before_asking_for_the_password(client, user):
    client.force_login(user)
    page = client.get("/accounts/close/").content.decode()
    assert f"replaced by <strong>forgotten-{user.pk}</strong>" in page
    for promise in ("cannot be undone", "e-mail addresses", "IP addresses", "profile", "watchlist"):
        assert promise in page
    assert 'type="password"' in page and "Close my account for good" in page
    assert "You are a moderator" not in page


def test_a_wrong_password_changes_nothing(client, user):
    client.force_login(user)
    response = close(client, "not my password")
    assert response.status_code == 400
    assert "That is not your password. Nothing has changed" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.username.startswith("user")
    assert EmailAddress.objects.filter(user=user).exists()
    assert close(client, "").status_code == 400


def test_wrong_passwords_count_against_the_log_in_lock_out(client, user, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    client.force_login(user)
    assert [close(client, "guess").status_code for _ in range(2)] == [400, 400]
    locked = close(client)
    assert locked.status_code == 429 and "Too many failed log-ins" in locked.content.decode()
    assert int(locked["Retry-After"]) > 0
    user.refresh_from_db()
    assert user.is_active
    # The same lock stops logging in from elsewhere with a guessed password.
    elsewhere = Client(REMOTE_ADDR="192.0.2.200")
    refused = elsewhere.post(
        "/accounts/login/",
        {"login": user.username, "password": "correct horse battery staple"},
    )
    assert refused.status_code == 429


def test_closing_forgets_the_person_logs_them_out_everywhere_and_says_goodbye(
    client, user, contributions
):
    article, _ = contributions
    other_browser = Client()
    other_browser.force_login(user)
    client.force_login(user)
    assert other_browser.get("/watchlist/").status_code == 200

    response = close(client)

    assert response.status_code == 302 and response["Location"] == "/accounts/closed/"
    user.refresh_from_db()
    name = f"forgotten-{user.pk}"
    assert user.username == name and not user.is_active and user.email == ""
    assert article.revisions.get().author_name == name
    goodbye = client.get("/accounts/closed/").content.decode()
    assert "Your account is closed" in goodbye and f'href="/users/{name}/"' in goodbye
    for browser in (client, other_browser):
        assert "/accounts/login/" in browser.get("/watchlist/")["Location"]
    assert not client.login(username=name, password="correct horse battery staple")
    assert LogEntry.objects.filter(object_id=str(user.pk), user=user).exists()
    entry = ModerationLogEntry.objects.get(target_kind=TargetKind.USER, target_id=str(user.pk))
    assert (entry.action, entry.actor, entry.actor_kind) == (LogAction.REMOVE, user, "author")
    assert "Closed their own account" in entry.reason


def test_a_moderator_may_close_their_account_and_loses_the_role(client, moderator):
    client.force_login(moderator)
    assert "You are a moderator: that ends with the account." in (
        client.get("/accounts/close/").content.decode()
    )
    assert close(client).status_code == 302
    moderator.refresh_from_db()
    assert not moderator.groups.exists() and not moderator.is_active


def test_the_only_admin_cannot_close_their_account(client, root, user):
    client.force_login(root)
    page = client.get("/accounts/close/").content.decode()
    assert "You are the site’s only admin" in page and 'type="password"' not in page
    assert close(client, "pw-pw-pw-1").status_code == 400
    root.refresh_from_db()
    assert root.is_active and root.username == "root"

    User.objects.create_superuser("deputy", "deputy@example.test", "pw-pw-pw-2")
    assert close(client, "pw-pw-pw-1").status_code == 302
    root.refresh_from_db()
    assert not root.is_active and not root.is_superuser and not root.is_staff


def test_only_a_persons_own_page_offers_to_close_their_account(client, user, other_user):
    client.force_login(user)
    assert 'href="/accounts/close/"' in client.get(f"/users/{user.username}/").content.decode()
    assert 'href="/accounts/close/"' not in (
        client.get(f"/users/{other_user.username}/").content.decode()
    )


@pytest.mark.postgres
def test_closing_an_account_passes_the_never_delete_triggers(client, user, moderator, records):
    old_name = user.username
    client.force_login(user)
    assert close(client).status_code == 302
    user.refresh_from_db()
    assert user.username == f"forgotten-{user.pk}"
    assert Comment.objects.filter(author=user).count() == 1
    assert Revision.objects.filter(author=user, author_name=user.username).count() == 1
    assert not ModerationLogEntry.objects.filter(target_label__contains=old_name).exists()
    assert not EmailAddress.objects.filter(user=user).exists()


def test_the_close_pages_are_valid_html(client, user, tmp_path):
    from tests.commons.test_html_validity import validate

    client.force_login(user)
    pages = {
        "close": client.get("/accounts/close/"),
        "close-refused": close(client, "nope"),
    }
    close(client)
    pages["closed"] = client.get("/accounts/closed/")
    for name, response in pages.items():
        (tmp_path / f"{name}.html").write_bytes(response.content)
    errors = validate([tmp_path / f"{name}.html" for name in pages])
    assert not errors, "\n".join(errors)
