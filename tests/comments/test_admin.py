import pytest
from django.contrib import admin

from comments.models import Comment, CommentEdit
from moderation.states import Status
from tests.comments.helpers import anonymous, post, signed_in
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.test", "pw-pw-pw-1")


def test_comments_cannot_be_deleted_in_the_admin(rf, staff):
    request = rf.get("/admin/")
    request.user = staff
    model_admin = admin.site._registry[Comment]
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
    assert CommentEdit not in admin.site._registry  # earlier texts show inline, read-only
    inline = model_admin.get_inline_instances(request)[0]
    assert not inline.has_delete_permission(request)


def test_admin_lists_the_tree_indented_and_searches_email_and_ip(client, staff, user):
    article = make_article(title="Gardens", user=user)
    first = post(article, "Top level", author=signed_in(staff))
    post(
        article,
        "Nested reply",
        author=anonymous(email="finder@example.test", ip="192.0.2.5"),
        parent=first,
    )
    client.force_login(staff)
    listing = client.get("/admin/comments/comment/").content.decode()
    assert "Top level" in listing and "— Nested reply" in listing
    assert "Discussion of article" not in listing
    found = client.get("/admin/comments/comment/?q=finder@example.test").content.decode()
    assert "Nested reply" in found and "Top level" not in found
    assert "Nested reply" in client.get("/admin/comments/comment/?q=192.0.2.5").content.decode()


def test_admin_remove_action_calls_the_service(client, staff, user):
    article = make_article(title="Gardens", user=user)
    comment = post(article, "Spam spam", author=signed_in(staff))
    client.force_login(staff)
    client.post("/admin/comments/comment/", {"action": "remove", "_selected_action": [comment.pk]})
    comment.refresh_from_db()
    assert comment.status == Status.REMOVED
    assert comment.status_before_removal == Status.PUBLISHED
