"""Walk every registered ModelAdmin: nothing that holds contributions can be deleted."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

KEPT_FOREVER_APPS = {"wiki", "comments", "moderation"}
DERIVED = {"wikilink"}


def _kept_forever(model) -> bool:
    if model is get_user_model():
        return True
    return model._meta.app_label in KEPT_FOREVER_APPS and model._meta.model_name not in DERIVED


def test_no_admin_can_delete_articles_revisions_comments_moderation_records_or_users(
    rf, django_user_model
):
    staff = django_user_model.objects.create_superuser("root", "root@example.test", "pw-pw-1")
    request = rf.get("/admin/")
    request.user = staff
    walked = []
    for model, model_admin in admin.site._registry.items():
        if not _kept_forever(model):
            continue
        walked.append(model._meta.label)
        assert not model_admin.has_delete_permission(request), model
        assert not model_admin.has_delete_permission(request, staff), model
        assert "delete_selected" not in model_admin.get_actions(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_delete_permission(request), (model, inline)
    assert {"wiki.Article", "wiki.Revision", "comments.Comment", "auth.User"} <= set(walked)
    assert {"moderation.ModerationCase", "moderation.ModerationEvent"} <= set(walked)


def test_the_user_admin_offers_deactivation_in_place_of_deletion(rf, django_user_model):
    staff = django_user_model.objects.create_superuser("root", "root@example.test", "pw-pw-1")
    request = rf.get("/admin/")
    request.user = staff
    actions = admin.site._registry[django_user_model].get_actions(request)
    assert actions["deactivate_users"][2] == "Deactivate selected users"
    assert "anonymise_users" in actions
