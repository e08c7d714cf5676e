"""Sending: every e-mail notifications send, each once per event and recipient (a Delivery
row keyed by both). Mails are only about published content, and name people by their shown
name only. The tasks in notifications.tasks call the send_* functions.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from moderation.services import case_for
from moderation.states import Status
from moderation.trust import is_trusted
from notifications.models import Delivery, NoticeKind, Subscription, Watch
from notifications.notices import channels_for
from notifications.tokens import CONFIRM_MAX_AGE, confirm_token, unsubscribe_token
from wiki.models import Revision

EXCERPT_LENGTH = 2000


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _unsubscribe_url(kind: str, *ids: int) -> str:
    return _absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(kind, *ids)]))


def _deliver(*, key: str, to: str, subject: str, template: str, context: dict) -> bool:
    """Send one e-mail for `key` unless it was sent already; returns whether it was sent.

    The row is created and marked in the transaction that sends: a failed send rolls it
    back (the retry sends again), a sent one makes every retry skip it.
    """
    with transaction.atomic():
        delivery, _ = Delivery.objects.select_for_update().get_or_create(key=key)
        if delivery.sent_at is not None:
            return False
        unsubscribe_url = context.get("unsubscribe_url")
        message = EmailMessage(
            subject=" ".join(subject.split())[:200],
            body=render_to_string(template, {"site_name": settings.SITE_NAME, **context}),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
            headers={"List-Unsubscribe": f"<{unsubscribe_url}>"} if unsubscribe_url else {},
        )
        message.send()
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
    return True


def watchers_hear_of(revision: Revision) -> bool:
    """Whether a revision is mailed to its article's watchers: the one place that decides.

    Only revisions no spam check holds, by trusted authors and moderators (revisions by
    untrusted authors are checked after they go live and may turn out to be spam), and
    only while the revision is visible and its article live.
    """
    if revision.is_hidden or revision.article.is_archived:
        return False
    return is_trusted(revision.author) and case_for(revision) is None


def send_revision_mails(*, revision_id: int) -> int:
    """Mail the article's watchers (not the author) about a revision; returns how many."""
    revision = Revision.objects.select_related("article", "author").filter(pk=revision_id).first()
    if revision is None or not watchers_hear_of(revision):
        return 0
    article = revision.article
    if revision.number > 1:
        path = reverse("wiki:diff", args=[article.slug, revision.number - 1, revision.number])
    else:
        path = article.get_absolute_url()
    watches = (
        Watch.objects.filter(article=article, user__is_active=True)
        .exclude(user_id=revision.author_id)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for watch in watches:
        sent += _deliver(
            key=f"revision:{revision.pk}:user:{watch.user_id}",
            to=watch.user.email,
            subject=f"“{article.title}” was edited by {revision.author_name}",
            template="notifications/email/revision.txt",
            context={
                "article": article,
                "revision": revision,
                "change_url": _absolute(path),
                "article_url": _absolute(article.get_absolute_url()),
                "unsubscribe_url": _unsubscribe_url("watch", watch.user_id, article.pk),
            },
        )
    return sent


def send_comment_mails(*, comment_id: int) -> int:
    """For a published comment: ask its anonymous author to confirm their subscription, and
    mail the author (or confirmed subscribers) of the comment it replies to; returns how many.
    """
    comment = (
        Comment.objects.select_related("article", "parent__author").filter(pk=comment_id).first()
    )
    if comment is None or comment.status != Status.PUBLISHED or comment.is_held:
        return 0
    sent = 0
    for subscription in comment.subscriptions.filter(
        confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ):
        sent += _send_confirmation(subscription, comment)
    parent = comment.parent
    if parent is None or parent.parent_id is None or parent.status in (Status.SPAM, Status.REMOVED):
        return sent
    context = {
        "article": comment.article,
        "reply": comment,
        "excerpt": _excerpt(comment.body),
        "reply_url": _absolute(comment.get_absolute_url()),
    }
    subject = f"{comment.author_name} replied to your comment on “{comment.article.title}”"
    replier_email = comment.author_email.strip().lower()
    recipient = parent.author
    if (
        recipient is not None
        and recipient.pk != comment.author_id
        and recipient.is_active
        and recipient.email
        and recipient.email.strip().lower() != replier_email
        and _wants_replies(recipient)
    ):
        sent += _deliver(
            key=f"reply:{comment.pk}:user:{recipient.pk}",
            to=recipient.email,
            subject=subject,
            template="notifications/email/reply.txt",
            context={**context, "unsubscribe_url": _unsubscribe_url("replies", recipient.pk)},
        )
    subscriptions = parent.subscriptions.filter(
        confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).order_by("pk")
    for subscription in subscriptions:
        if subscription.email.strip().lower() == replier_email:
            continue
        sent += _deliver(
            key=f"reply:{comment.pk}:subscription:{subscription.pk}",
            to=subscription.email,
            subject=subject,
            template="notifications/email/reply.txt",
            context={
                **context,
                "unsubscribe_url": _unsubscribe_url("subscription", subscription.pk),
            },
        )
    return sent


def send_confirmation_mail(*, subscription_id: int) -> int:
    """Ask an anonymous commenter to confirm, once their comment is published."""
    subscription = (
        Subscription.objects.select_related("comment__article").filter(pk=subscription_id).first()
    )
    if subscription is None or subscription.confirmed_at or subscription.unsubscribed_at:
        return 0
    comment = subscription.comment
    if comment.status != Status.PUBLISHED or comment.is_held:
        return 0
    return _send_confirmation(subscription, comment)


def _send_confirmation(subscription: Subscription, comment: Comment) -> int:
    confirm_path = reverse("notifications:confirm", args=[confirm_token(subscription)])
    return int(
        _deliver(
            key=f"confirm:subscription:{subscription.pk}",
            to=subscription.email,
            subject=f"Confirm: e-mails about replies to your comment on “{comment.article.title}”",
            template="notifications/email/confirm.txt",
            context={
                "article": comment.article,
                "comment_url": _absolute(comment.get_absolute_url()),
                "confirm_url": _absolute(confirm_path),
                "days": CONFIRM_MAX_AGE.days,
            },
        )
    )


def _wants_replies(user) -> bool:
    return channels_for(user_ids=[user.pk], kind=NoticeKind.REPLY)[user.pk].by_email


def _excerpt(text: str) -> str:
    text = text.strip()
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rstrip() + " …"
