"""Every write about notifications, and every e-mail they send.

Watches and subscriptions change here; the tasks in notifications.tasks call the send_*
functions, which send each e-mail once per event and recipient (a Delivery row keyed by
both). Mails are only about published content, and name people by their shown name only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from moderation.states import Status
from notifications.models import Delivery, Preference, Subscription, Watch

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
CONFIRM_SALT = "notifications.confirm"
CONFIRM_MAX_AGE = timedelta(days=14)
EXCERPT_LENGTH = 2000


class BadToken(Exception):
    """A link's token is not ours, was altered, or has expired."""


# Watching


def is_watching(*, user, article) -> bool:
    """Whether a signed-in user watches the article (False for anonymous viewers)."""
    if not user.is_authenticated:
        return False
    return Watch.objects.filter(user=user, article=article).exists()


@transaction.atomic
def toggle_watch(*, user, article) -> bool:
    """Watch the article, or stop watching it; returns whether the user now watches it."""
    removed, _ = Watch.objects.filter(user=user, article=article).delete()
    if removed:
        return False
    Watch.objects.get_or_create(user=user, article=article)
    return True


# Events: each leaves after commit, so a rolled-back save mails nobody.


def _after_commit(task, *args) -> None:
    """Send a task after commit; if the broker is down, log it and lose only the e-mail."""

    def send_task() -> None:
        task.delay(*args)

    transaction.on_commit(send_task, robust=True)


def revision_saved(*, revision) -> None:
    """A new revision is live: its article's watchers hear about it (trusted authors only)."""
    from notifications.tasks import send_revision_mails

    _after_commit(send_revision_mails, revision.pk)


def comment_published(*, comment) -> None:
    """A comment is published: the author of the comment it answers hears about it, and its
    own author's pending subscription asks for confirmation."""
    from notifications.tasks import send_comment_mails

    _after_commit(send_comment_mails, comment.pk)


@transaction.atomic
def subscribe_anonymous(*, comment, email: str) -> Subscription:
    """An anonymous commenter asks for replies to `comment` by e-mail; nothing is sent
    until they confirm, and the confirmation request waits until the comment is published.
    """
    from comments.models import Comment
    from notifications.tasks import send_confirmation_mail

    # Locking the comment orders us with its publication: either it sees this
    # subscription, or we see it published.
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    subscription, created = Subscription.objects.get_or_create(
        comment=comment, email=email.strip()[:254]
    )
    if created and comment.status == Status.PUBLISHED:
        _after_commit(send_confirmation_mail, subscription.pk)
    return subscription


# Tokens: signed, so links work without signing in; nothing secret is stored.


@dataclass(frozen=True)
class UnsubscribeTarget:
    kind: str  # "watch", "replies" or "subscription"
    description: str
    ids: tuple[int, ...]


def unsubscribe_token(kind: str, *ids: int) -> str:
    return signing.dumps([kind, *ids], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> UnsubscribeTarget:
    """What an unsubscribe link stops, or BadToken."""
    from wiki.models import Article

    try:
        kind, *ids = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise BadToken("This link is not valid.") from None
    if kind == "watch" and len(ids) == 2:
        article = Article.objects.filter(pk=ids[1]).first()
        if article is None:
            raise BadToken("This link is not valid.")
        return UnsubscribeTarget(kind, f"e-mails about changes to “{article.title}”", tuple(ids))
    if kind == "replies" and len(ids) == 1:
        return UnsubscribeTarget(kind, "e-mails about replies to your comments", tuple(ids))
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


@transaction.atomic
def unsubscribe(*, token: str) -> UnsubscribeTarget:
    """Stop what the link names: a watch, a user's reply mails, or a subscription."""
    target = read_unsubscribe_token(token)
    if target.kind == "watch":
        user_id, article_id = target.ids
        Watch.objects.filter(user_id=user_id, article_id=article_id).delete()
    elif target.kind == "replies":
        Preference.objects.update_or_create(user_id=target.ids[0], defaults={"mail_replies": False})
    else:
        Subscription.objects.filter(pk=target.ids[0], unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    return target


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


@transaction.atomic
def confirm_subscription(*, token: str) -> Subscription:
    """Double opt-in, second step: replies to the comment are mailed from now on."""
    subscription = subscription_for_token(token)
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.confirmed_at is None:
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["confirmed_at"])
    return subscription


# Sending (called by notifications.tasks)


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


def send_revision_mails(*, revision_id: int) -> int:
    """Mail the article's watchers (not the author) about a revision; returns how many.

    Only revisions no spam check holds: by trusted authors and moderators. Revisions by
    untrusted authors are checked after they go live and may turn out to be spam.
    """
    from moderation.services import case_for
    from moderation.trust import is_trusted
    from wiki.models import Revision

    revision = Revision.objects.select_related("article", "author").filter(pk=revision_id).first()
    if revision is None or revision.is_hidden or revision.article.is_archived:
        return 0
    if not is_trusted(revision.author) or case_for(revision) is not None:
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
    from comments.models import Comment

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


def _send_confirmation(subscription: Subscription, comment) -> int:
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
    preference = Preference.objects.filter(user=user).first()
    return preference is None or preference.mail_replies


def _excerpt(text: str) -> str:
    text = text.strip()
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rstrip() + " …"
