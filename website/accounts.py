"""Accounts end without losing anything anyone wrote (DESIGN.md, "Data guarantees").

An account is never deleted: it is deactivated, or, when its person asks to be forgotten,
anonymised. Part of the site layer: forgetting reaches into every app's records of a
person, so no app imports this module.
"""

import secrets

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from comments.models import Comment
from notifications.models import Preference, Subscription, Watch
from wiki.models import Revision
from wiki.services import article_changed

FORGOTTEN_PREFIX = "forgotten-"


def _log(*, user: AbstractUser, by: AbstractUser, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[user], action_flag=CHANGE, change_message=message
    )


@transaction.atomic
def deactivate_user(*, user: AbstractUser, by: AbstractUser) -> None:
    """Stop `user` signing in; everything they wrote stays, under their name. Logged."""
    if not user.is_active:
        return
    user.is_active = False
    user.save(update_fields=["is_active"])
    _log(user=user, by=by, message="Deactivated.")


def _forgotten_name(user: AbstractUser) -> str:
    """forgotten-<id>, or forgotten-<id>-<random> where someone signed up as forgotten-<id>."""
    name = f"{FORGOTTEN_PREFIX}{user.pk}"
    if get_user_model().objects.filter(username=name).exclude(pk=user.pk).exists():
        name = f"{name}-{secrets.token_hex(4)}"
    return name


@transaction.atomic
def anonymise_user(*, user: AbstractUser, by: AbstractUser) -> AbstractUser:
    """Forget who `user` was, at their request: name replaced, e-mail, IPs and browser details
    wiped from the account and from their revisions and comments (their address from comments
    written signed out too), their watches, choices and reply subscriptions dropped, the
    account closed. Their revisions and comments stay where they are, under the new name.
    Logged in the admin's history; the pages they wrote on are shown afresh."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    old_email = user.email
    name = user.username
    mine = f"{FORGOTTEN_PREFIX}{user.pk}"
    if name != mine and not name.startswith(f"{mine}-"):
        name = _forgotten_name(user)
    user.username = name
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

    revisions = Revision.objects.filter(author=user)
    comments = Comment.objects.filter(author=user)
    touched = set(revisions.values_list("article_id", flat=True))
    touched |= set(comments.values_list("article_id", flat=True))
    revisions.update(author_name=name, author_ip=None)
    comments.update(
        author_name=name, author_email="", author_url="", author_ip=None, user_agent="", referrer=""
    )
    Watch.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    if old_email:
        # What they wrote signed out under the same address keeps its name, not the address.
        Comment.objects.filter(author=None, author_email__iexact=old_email).update(author_email="")
        Subscription.objects.filter(email__iexact=old_email).delete()
    # Earlier entries of the admin's history name the account as it was.
    LogEntry.objects.filter(
        content_type__app_label=user._meta.app_label,
        content_type__model=user._meta.model_name,
        object_id=str(user.pk),
    ).update(object_repr=name)
    for article_id in sorted(touched):
        article_changed(article_id)
    _log(user=user, by=by, message="Anonymised at the person's request.")
    return user
