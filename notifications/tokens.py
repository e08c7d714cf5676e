"""Signed links in e-mails: unsubscribe and confirm without signing in; nothing secret is
stored, and an altered or expired link is a BadToken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

from notifications.models import NoticeKind, Subscription
from wiki.models import Article

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
CONFIRM_SALT = "notifications.confirm"
CONFIRM_MAX_AGE = timedelta(days=14)
# Links that stop a person's e-mails about a kind of notice ("replies" as links sent
# before there were kinds say it).
MAIL_KINDS = {
    "replies": NoticeKind.REPLY,
    "mention": NoticeKind.MENTION,
    "watched_comment": NoticeKind.WATCHED_COMMENT,
    "moderation": NoticeKind.MODERATION,
}


class BadToken(Exception):
    """A link's token is not ours, was altered, or has expired."""


@dataclass(frozen=True)
class UnsubscribeTarget:
    kind: str  # "watch", "subscription", or one of MAIL_KINDS
    description: str
    ids: tuple[int, ...]


def unsubscribe_token(kind: str, *ids: int) -> str:
    return signing.dumps([kind, *ids], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> UnsubscribeTarget:
    """What an unsubscribe link stops, or BadToken."""
    try:
        kind, *ids = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken("This link is not valid.") from None
    if kind == "watch" and len(ids) == 2:
        article = Article.objects.filter(pk=ids[1]).first()
        if article is None:
            raise BadToken("This link is not valid.")
        return UnsubscribeTarget(kind, f"e-mails about changes to “{article.title}”", tuple(ids))
    if kind in MAIL_KINDS and len(ids) == 1:
        label = MAIL_KINDS[kind].label
        return UnsubscribeTarget(kind, f"e-mails about {label[0].lower()}{label[1:]}", tuple(ids))
    if kind == "subscription" and len(ids) == 1:
        subscription = (
            Subscription.objects.select_related("comment__article").filter(pk=ids[0]).first()
        )
        if subscription is None:
            raise BadToken("This link is not valid.")
        title = subscription.comment.article.title
        return UnsubscribeTarget(
            kind, f"e-mails about replies to your comment on “{title}”", tuple(ids)
        )
    raise BadToken("This link is not valid.")


def confirm_token(subscription: Subscription) -> str:
    return signing.dumps(["confirm", subscription.pk], salt=CONFIRM_SALT)


def subscription_for_token(token: str) -> Subscription:
    """The subscription a confirmation link names, or BadToken (altered or expired)."""
    try:
        kind, subscription_id = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken("This link is not valid, or has expired.") from None
    subscription = (
        Subscription.objects.select_related("comment__article").filter(pk=subscription_id).first()
    )
    if kind != "confirm" or subscription is None:
        raise BadToken("This link is not valid, or has expired.")
    return subscription
