"""Walk every registered ModelAdmin: nothing that holds contributions can be deleted."""

import pytest
from django.contrib import admin

pytestmark = pytest.mark.django_db

KEPT_FOREVER_APPS = {"wiki", "comments", "moderation"}
DERIVED = {"wikilink", "articleredirect"}


def test_no_admin_can_delete_articles_revisions_comments_or_moderation_records(
    rf, django_user_model
):
    staff = django_user_model.objects.create_superuser("root", "root@example.test", "pw-pw-1")
    request = rf.get("/admin/")
    request.user = staff
    walked = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in KEPT_FOREVER_APPS or model._meta.model_name in DERIVED:
            continue
        walked.append(model._meta.label)
        assert not model_admin.has_delete_permission(request), model
        assert "delete_selected" not in model_admin.get_actions(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_delete_permission(request), (model, inline)
    assert {"wiki.Article", "wiki.Revision", "comments.Comment"} <= set(walked)
    assert {"moderation.ModerationCase", "moderation.ModerationEvent"} <= set(walked)
