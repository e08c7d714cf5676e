"""Accounts are never deleted: deactivated, or anonymised when their person asks."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from comments.models import Comment
from commons.undeletable import HardDeleteForbidden
from notifications.models import Preference, Subscription, Watch
from notifications.watching import subscribe_anonymous, toggle_watch
from tests.comments.helpers import anonymous, post, signed_in
from tests.wiki.helpers import make_article
from website.accounts import anonymise_user
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
