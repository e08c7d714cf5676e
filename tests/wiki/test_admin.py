"""The admin shows articles and revisions, acts through services, and never deletes."""

import pytest
from django.contrib import admin

from tests.wiki.helpers import make_article
from wiki.models import Article, Revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    staff = django_user_model.objects.create_superuser("root", "root@example.test", "pw-pw-pw-1")
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", [Article, Revision])
def test_no_delete_permission_or_action(rf, model, django_user_model):
    staff = django_user_model.objects.create_superuser("boss", "boss@example.test", "pw-pw-pw-1")
    request = rf.get("/admin/")
    request.user = staff
    model_admin = admin.site._registry[model]
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


def test_article_change_page_shows_revisions_without_a_delete_link(admin_client, user):
    article = make_article(title="Gardens", texts=("a\n", "b\n"), user=user)
    response = admin_client.get(f"/admin/wiki/article/{article.pk}/change/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Revision" in body
    assert f"/admin/wiki/article/{article.pk}/delete/" not in body
    assert admin_client.get(f"/admin/wiki/article/{article.pk}/delete/").status_code == 403


def test_admin_search_and_archive_action(admin_client, user):
    article = make_article(title="Gardens", user=user)
    make_article(title="Orchards", user=user)
    listing = admin_client.get("/admin/wiki/article/?q=gard").content.decode()
    assert "Gardens" in listing and "Orchards" not in listing
    admin_client.post(
        "/admin/wiki/article/", {"action": "archive", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.is_archived
    assert Revision.objects.filter(article=article).count() == 1
