"""A person's profile: edited on /accounts/profile/, shown on their user page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.comments.test_corpora import payloads
from tests.factories import UserFactory
from tests.wiki.test_markup_corpora import assert_inert
from website.models import Profile
from website.profiles import update_profile

pytestmark = pytest.mark.django_db


def test_the_profile_page_asks_to_log_in(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_person_edits_their_profile_and_their_page_shows_it(client, user, other_user):
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {
            "display_name": "  Robin   of the Wood ",
            "about": f"I grow **beans**; ask @{other_user}.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/users/{user.username}/"
    profile = Profile.objects.get(user=user)
    assert profile.display_name == "Robin of the Wood"
    assert "<strong>beans</strong>" in profile.about_html
    assert f'<a class="mention" href="/users/{other_user}/">' in profile.about_html

    own = client.get(f"/users/{user.username}/").content.decode()
    assert f'Robin of the Wood <span class="user-name">({user.username})</span>' in own
    assert "<strong>beans</strong>" in own
    assert 'href="/accounts/profile/">Edit your profile' in own
    client.force_login(other_user)
    theirs = client.get(f"/users/{user.username}/").content.decode()
    assert "<strong>beans</strong>" in theirs and "Edit your profile" not in theirs


def test_preview_shows_the_about_text_and_saves_nothing(client, user):
    client.force_login(user)
    response = client.post(
        "/accounts/profile/", {"display_name": "R", "about": "*hi*", "preview": "1"}
    )
    assert response.status_code == 200
    assert "<em>hi</em>" in response.content.decode()
    assert not Profile.objects.exists()


@pytest.mark.parametrize(
    ("display_name", "about", "message"),
    [
        ("x" * 61, "", "at most 60 characters"),
        ("Robin\u202eevil", "", "control characters"),
        ("Bell\x07", "", "control characters"),
        ("", "y" * 5001, "at most 5000 characters"),
    ],
)
def test_bad_names_and_texts_are_refused_with_a_message(client, user, display_name, about, message):
    client.force_login(user)
    response = client.post("/accounts/profile/", {"display_name": display_name, "about": about})
    assert response.status_code == 400
    assert message in response.content.decode().replace(",", "")
    assert not Profile.objects.exists()


def test_a_new_writer_cannot_fill_the_about_text_with_links(user, settings):
    settings.MODERATION_NEW_MAX_LINKS = 1
    with pytest.raises(ValidationError):
        update_profile(user=user, display_name="", about="http://a.example http://b.example")


def test_hostile_profiles_render_inert_on_the_user_page(client, settings):
    settings.MODERATION_NEW_MAX_LINKS = settings.MODERATION_NEW_MAX_IMAGES = 10_000
    person = UserFactory(username="target")
    hostile = [p for p in payloads() if p.strip() and "\x00" not in p]
    for start in range(0, len(hostile), 40):
        about = "\n\n".join(hostile[start : start + 40])[:5000]
        name = hostile[start][:60].replace("\n", " ")
        try:
            update_profile(user=person, display_name=name, about=about)
        except ValidationError:
            continue  # a name with control characters: refused, nothing shown
        page = client.get("/users/target/").content.decode()
        heading = page.split("<h1>", 1)[1].split("</h1>", 1)[0]
        about_html = page.split('<div class="prose">', 1)[1].split("</section>", 1)[0]
        assert_inert(heading, payload=name)
        assert_inert(about_html, payload=about[:200])


def test_the_user_page_costs_the_same_queries_with_or_without_a_profile(client, user):
    counts = {}
    for viewer in ("anonymous", "owner"):
        if viewer == "owner":
            client.force_login(user)
        with CaptureQueriesContext(connection) as plain:
            assert client.get(f"/users/{user.username}/").status_code == 200
        update_profile(user=user, display_name="R", about="Hello")
        with CaptureQueriesContext(connection) as with_profile:
            assert client.get(f"/users/{user.username}/").status_code == 200
        Profile.objects.all().delete()
        counts[viewer] = (len(plain), len(with_profile))
    assert all(plain == shown for plain, shown in counts.values()), counts
