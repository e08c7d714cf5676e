"""Who hears about what: watches on articles, anonymous commenters' reply subscriptions,
and the signed links that confirm or stop them. Every write about them happens here."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists
from django.utils import timezone

from comments.models import Comment
from commons.celery import send_after_commit
from moderation.states import Status
from notifications import tasks
from notifications.models import Subscription, Watch
from notifications.notices import stop_mail, verified_addresses
from notifications.tokens import (
    MAIL_KINDS,
    UnsubscribeTarget,
    read_unsubscribe_token,
    subscription_for_token,
)


def is_watching(*, user, article) -> bool:
    """Whether a signed-in user watches the article (False for anonymous viewers)."""
    if not user.is_authenticated:
        return False
    return Watch.objects.filter(user=user, article=article).exists()


def has_verified_address(*, user) -> bool:
    """Whether mail about watched articles can reach a signed-in person: only verified
    addresses get any (notices.verified_addresses). One query."""
    return bool(verified_addresses(user_ids=[user.pk]))


def with_verified_address(user) -> Exists:
    """has_verified_address() as an expression, for a page's query to ask in passing."""
    return Exists(EmailAddress.objects.filter(user=user, verified=True))


@transaction.atomic
def toggle_watch(*, user, article) -> bool:
    """Watch the article, or stop watching it; returns whether the user now watches it."""
    removed, _ = Watch.objects.filter(user=user, article=article).delete()
    if removed:
        return False
    Watch.objects.get_or_create(user=user, article=article)
    return True


@transaction.atomic
def subscribe_anonymous(*, comment: Comment, email: str) -> Subscription:
    """An anonymous commenter asks for replies to `comment` by e-mail; nothing is sent
    until they confirm, and the confirmation request waits until the comment is published.
    """
    # Locking the comment orders us with its publication: either it sees this
    # subscription, or we see it published.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    subscription, created = Subscription.objects.get_or_create(
        comment=comment, email=email.strip()[:254]
    )
    if created and comment.status == Status.PUBLISHED:
        send_after_commit(tasks.send_confirmation_mail, subscription.pk)
    return subscription


@transaction.atomic
def unsubscribe(*, token: str) -> UnsubscribeTarget:
    """Stop what the link names: a watch, a user's mails about a kind, or a subscription."""
    target = read_unsubscribe_token(token)
    if target.kind == "watch":
        user_id, article_id = target.ids
        Watch.objects.filter(user_id=user_id, article_id=article_id).delete()
    elif target.kind in MAIL_KINDS:
        stop_mail(user_id=target.ids[0], kind=MAIL_KINDS[target.kind])
    else:
        Subscription.objects.filter(pk=target.ids[0], unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    return target


@transaction.atomic
def confirm_subscription(*, token: str) -> Subscription:
    """Double opt-in, second step: replies to the comment are mailed from now on."""
    subscription = subscription_for_token(token)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription
