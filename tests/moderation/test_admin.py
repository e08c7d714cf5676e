"""Moderation records in the admin: read-only, never deleted; actions call the services."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from moderation.models import Actor, CheckState, Flag, ModerationCase, ModerationEvent
from moderation.states import Status
from tests.moderation.queue_helpers import case_of, flagged_comment, held_comment
from tests.wiki.helpers import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.test", "pw-pw-pw-1")


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def moderation_admins():
    return [
        model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "moderation"
    ]


def test_every_moderation_admin_refuses_delete_and_add(rf, staff):
    request = rf.get("/admin/")
    request.user = staff
    admins = moderation_admins()
    assert {type(a).__name__ for a in admins} >= {"ModerationCaseAdmin", "ModerationEventAdmin"}
    for model_admin in admins:
        assert not model_admin.has_delete_permission(request), model_admin
        assert not model_admin.has_add_permission(request), model_admin
        assert "delete_selected" not in model_admin.get_actions(request), model_admin
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_delete_permission(request), inline
            assert not inline.has_add_permission(request, None), inline
    events = admin.site._registry[ModerationEvent]
    assert not events.has_change_permission(request)
    assert Flag not in admin.site._registry  # flags show inline on their case


def test_the_case_list_filters_and_the_change_page_shows_history(client, staff, article, moderator):
    held = held_comment(article, "Cheap watches")
    flagged_comment(article, moderator, reasons=("advert", "rude", "spam"))
    client.force_login(staff)
    listing = client.get("/admin/moderation/moderationcase/?state__exact=needs_review")
    assert listing.status_code == 200
    assert "no Akismet key is configured" in listing.content.decode()
    change = client.get(f"/admin/moderation/moderationcase/{case_of(held).pk}/change/")
    body = change.content.decode()
    assert change.status_code == 200
    assert "No Akismet key: held for a moderator." in body
    assert 'href="/comments/' in body and "Gardens" in body
    assert 'name="_save"' not in body
    flagged = client.get(
        f"/admin/moderation/moderationcase/{ModerationCase.objects.get(flag_count=3).pk}/change/"
    )
    assert "advert" in flagged.content.decode()
    events = client.get("/admin/moderation/moderationevent/?actor_kind__exact=system")
    assert events.status_code == 200
    assert "No Akismet key: held for a moderator." in events.content.decode()


def test_the_admin_approve_action_calls_the_service_and_logs_an_event(client, staff, article):
    held = held_comment(article, "Cheap watches")
    case = case_of(held)
    client.force_login(staff)
    response = client.post(
        "/admin/moderation/moderationcase/",
        {"action": "approve", "_selected_action": [case.pk]},
        follow=True,
    )
    assert "Approved: 1." in response.content.decode()
    held.refresh_from_db()
    case.refresh_from_db()
    assert held.status == Status.PUBLISHED
    assert (case.state, case.decided_by) == (CheckState.DECIDED, staff)
    event = case.events.latest("id")
    assert (event.from_status, event.to_status, event.actor_kind, event.actor) == (
        Status.PENDING,
        Status.PUBLISHED,
        Actor.MODERATOR,
        staff,
    )


def test_the_admin_spam_action_reports_illegal_moves(client, staff, article, moderator):
    from comments.services import remove_comment

    removed = held_comment(article, "Gone")
    remove_comment(comment=removed, by=moderator)
    spam = held_comment(article, "Spam")
    client.force_login(staff)
    response = client.post(
        "/admin/moderation/moderationcase/",
        {"action": "mark_spam", "_selected_action": [case_of(removed).pk, case_of(spam).pk]},
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "not marked as spam" in body and "Marked as spam: 1." in body
    spam.refresh_from_db()
    assert spam.status == Status.SPAM


def test_staff_who_are_not_moderators_cannot_decide_through_the_admin(
    client, django_user_model, article
):
    clerk = django_user_model.objects.create_user("clerk", "c@example.test", "pw", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_moderationcase", "change_moderationcase"])
    )
    held = held_comment(article, "Cheap watches")
    client.force_login(clerk)
    assert client.get("/admin/moderation/moderationcase/").status_code == 200
    response = client.post(
        "/admin/moderation/moderationcase/",
        {"action": "approve", "_selected_action": [case_of(held).pk]},
    )
    assert response.status_code == 403
    held.refresh_from_db()
    assert held.status == Status.PENDING
    assert case_of(held).state == CheckState.NEEDS_REVIEW
