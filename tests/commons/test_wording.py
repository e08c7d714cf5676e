"""Pages say what happened in plain words and lead on: a failed log-in, sign-up's way back,
the admin's name and its way to the moderation queue."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_failed_log_in_says_the_name_or_password_is_wrong(client, user):
    user.set_password("right-horse-battery")
    user.save()
    response = client.post("/accounts/login/", {"login": user.username, "password": "wrong-horse"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "The user name or password is wrong." in body
    assert "your text is still here" not in body
    assert "Nothing was saved" not in body


def test_a_log_in_with_empty_fields_asks_for_them(client):
    body = client.post("/accounts/login/", {"login": "", "password": ""}).content.decode()
    assert "Enter your user name and your password." in body
    assert "your text is still here" not in body


def test_the_admin_carries_the_site_name_and_leads_to_the_moderation_queue(
    client, django_user_model, settings
):
    staff = django_user_model.objects.create_superuser("root", "root@example.test", "pw-pw-1")
    client.force_login(staff)
    body = client.get("/admin/").content.decode()
    assert "Django" not in body
    assert f"<title>Administer {settings.SITE_NAME} | {settings.SITE_NAME} admin</title>" in body
    assert f"{settings.SITE_NAME} administration" in body
    assert body.count('href="/moderation/"') == 2  # the header's links and the index
    page = client.get("/admin/wiki/article/").content.decode()
    assert 'href="/moderation/"' in page and "Django" not in page


def test_the_admin_log_in_page_carries_the_site_name(client, settings):
    body = client.get("/admin/login/").content.decode()
    assert "Django" not in body
    assert f"{settings.SITE_NAME} administration" in body


@pytest.mark.parametrize(
    ("wanted", "lands_on"),
    [("/wiki/gardens/", "/wiki/gardens/"), ("https://evil.example/", "/"), ("//evil.example", "/")],
)
def test_sign_up_returns_to_the_page_the_reader_came_from_on_this_site_only(
    client, wanted, lands_on
):
    response = client.post(
        f"/accounts/signup/?next={wanted}",
        {
            "username": "newcomer",
            "email": "newcomer@example.test",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == lands_on
