"""Accounts end without losing anything anyone wrote (DESIGN.md, "Data guarantees").

An account is never deleted: it is deactivated, or, when its person asks to be forgotten,
anonymised. Part of the site layer: forgetting reaches into every app's records of a
person, so no app imports this module.
"""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Concat, Replace, Substr
from django.urls import reverse

from comments.models import Comment
from moderation import log as moderation_log
from moderation.models import Actor, LogAction, TargetKind
from moderation.models import LogEntry as ModerationLogEntry
from notifications.models import Notice, Preference, Subscription, Watch
from website.models import Profile
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
    """forgotten-<id>, or forgotten-<id>-<random> where someone signed up as forgotten-<id>;
    the name they have when they were forgotten before."""
    mine = f"{FORGOTTEN_PREFIX}{user.pk}"
    if user.username == mine or user.username.startswith(f"{mine}-"):
        return user.username
    if get_user_model().objects.filter(username=mine).exclude(pk=user.pk).exists():
        return f"{mine}-{secrets.token_hex(4)}"
    return mine


def is_last_admin(user: AbstractUser) -> bool:
    """Whether `user` is the only active superuser: closing their account would leave the
    site with nobody who can reach the whole admin."""
    if not (user.is_active and user.is_superuser):
        return False
    others = get_user_model().objects.filter(is_active=True, is_superuser=True)
    return not others.exclude(pk=user.pk).exists()


@transaction.atomic
def anonymise_user(*, user: AbstractUser, by: AbstractUser) -> AbstractUser:
    """Forget who `user` was, at their request: name replaced, e-mail addresses, IPs and
    browser details wiped from the account and from their revisions and comments (their
    addresses from comments written signed out too), their profile, notices, watches,
    choices and reply subscriptions dropped, roles taken away, the account closed (which
    signs it out everywhere: its sessions no longer match it). Their revisions and comments
    stay where they are, under the new name, and the logs name them by it. Logged in the
    admin's history and the moderators' log; the pages they wrote on are shown afresh."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    old_name, name = user.username, _forgotten_name(user)
    addresses = EmailAddress.objects.filter(user=user)
    old_emails = {email.casefold() for email in addresses.values_list("email", flat=True)}
    old_emails |= {user.email.casefold()} if user.email else set()
    _close(user=user, name=name)
    addresses.delete()  # and their confirmations, by cascade
    touched = _rename_contributions(user=user, name=name)
    Watch.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    Notice.objects.filter(recipient=user).delete()
    Profile.objects.filter(user=user).delete()
    for email in sorted(old_emails):
        # What they wrote signed out under their addresses keeps its name, not the address.
        Comment.objects.filter(author=None, author_email__iexact=email).update(author_email="")
        Subscription.objects.filter(email__iexact=email).delete()
    if old_name != name:
        _rename_in_records(user=user, old_name=old_name, name=name)
    for article_id in sorted(touched):
        article_changed(article_id)
    _log(user=user, by=by, message="Anonymised at the person's request.")
    own = by.pk == user.pk
    # "removed" an account: the moderators' log has no action of its own for forgetting.
    moderation_log.record(
        LogAction.REMOVE,
        actor=user if own else by,
        actor_kind=Actor.AUTHOR if own else Actor.MODERATOR,
        target=_user_target(user),
        reason="Closed their own account: who they were is forgotten."
        if own
        else "Forgotten at the person's request.",
    )
    return user


def _close(*, user: AbstractUser, name: str) -> None:
    """The account under its new name, with no personal details, roles or password; a
    changed password hash ends every session it had (and an inactive account has none)."""
    user.username = name
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


def _rename_contributions(*, user: AbstractUser, name: str) -> set[int]:
    """Their revisions and comments under the new name, without addresses or browser
    details; returns the articles they were on."""
    revisions = Revision.objects.filter(author=user)
    comments = Comment.objects.filter(author=user)
    touched = set(revisions.values_list("article_id", flat=True))
    touched |= set(comments.values_list("article_id", flat=True))
    revisions.update(author_name=name, author_ip=None)
    comments.update(
        author_name=name, author_email="", author_url="", author_ip=None, user_agent="", referrer=""
    )
    return touched


def _user_target(user: AbstractUser) -> moderation_log.Target:
    name = user.get_username()
    return moderation_log.Target(
        TargetKind.USER, user.pk, name, reverse("contributions", args=[name])
    )


def _ids_as_text(rows: QuerySet) -> QuerySet:
    """The rows' ids as the moderators' log stores a target's (text), for a subquery."""
    return rows.annotate(id_text=Cast("pk", CharField())).values("id_text")


def _rename_in_records(*, user: AbstractUser, old_name: str, name: str) -> None:
    """The records that named the person by their old name name them by the new one:
    the admin's history, the moderators' log, and others' notices of what they did."""
    LogEntry.objects.filter(
        content_type__app_label=user._meta.app_label,
        content_type__model=user._meta.model_name,
        object_id=str(user.pk),
    ).update(object_repr=name)
    target = _user_target(user)
    ModerationLogEntry.objects.filter(target_kind=TargetKind.USER, target_id=str(user.pk)).update(
        target_label=target.label, target_url=target.url
    )
    # Decisions on what they wrote are labelled "comment by <name> on “<title>”".
    renamed = Replace(F("target_label"), Value(f" by {old_name} on "), Value(f" by {name} on "))
    ModerationLogEntry.objects.filter(
        target_kind=TargetKind.COMMENT,
        target_id__in=_ids_as_text(Comment.objects.filter(author=user)),
    ).update(target_label=renamed)
    ModerationLogEntry.objects.filter(
        target_kind=TargetKind.REVISION,
        target_id__in=_ids_as_text(Revision.objects.filter(author=user)),
    ).update(target_label=renamed)
    # A notice's text starts with the name of who did it ("ada replied to …"); only that
    # name is theirs to change, not the same letters elsewhere (a title, a quote).
    theirs = Notice.objects.filter(actor_name=old_name)
    theirs.filter(text__startswith=f"{old_name} ").update(
        text=Concat(Value(name), Substr(F("text"), len(old_name) + 1))
    )
    theirs.update(actor_name=name)
