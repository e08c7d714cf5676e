"""Telling: for each event, who hears of it, as a notice in the site (notices.notify, once
per event and person) and by e-mail (once per event and recipient, a Delivery row keyed by
both), each as the person's channel for that kind says; mail goes to verified addresses
only. Mails are only about published content, and name people by their shown name only.
The tasks in notifications.tasks call the send_* functions, one per event.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from moderation.models import Actor, ModerationEvent
from moderation.registry import adapter_for
from moderation.services import case_for
from moderation.states import Status
from moderation.trust import is_trusted
from notifications.models import Delivery, NoticeKind, Subscription, Watch
from notifications.notices import channels_for, notify, verified_addresses
from notifications.tokens import CONFIRM_MAX_AGE, confirm_token, unsubscribe_token
from wiki.models import Revision

EXCERPT_LENGTH = 2000


def absolute_url(path: str) -> str:
    """A path on this site as a mail can link it."""
    return settings.SITE_URL.rstrip("/") + path


def _mailed(user_ids, kind: str) -> dict[int, str]:
    """Of these people, who get `kind` by e-mail, with their verified address (two queries)."""
    channels = channels_for(user_ids=user_ids, kind=kind)
    return verified_addresses(user_ids=[pk for pk, channel in channels.items() if channel.by_email])


def _watchers(article_id: int, *, besides: set[int | None]) -> list[int]:
    """The active people watching an article, but for `besides` (the author, …)."""
    watchers = Watch.objects.filter(article_id=article_id, user__is_active=True)
    return [pk for pk in watchers.values_list("user_id", flat=True) if pk not in besides]


def stop_link(kind: str, *ids: int) -> str:
    """The signed link in a mail that stops what `kind` names (notifications.tokens)."""
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(kind, *ids)]))


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


@dataclass(frozen=True)
class Mail:
    """The e-mail of an event, the same for each recipient but for its stop link."""

    subject: str
    template: str
    context: dict
    unsubscribe: Callable[[int], str]  # a recipient's id -> their stop link
    not_to: str = ""  # the address of whoever wrote it, which never hears of it by mail


def tell(
    *,
    kind: NoticeKind,
    key: str,
    recipient_ids: Collection[int],
    text: str,
    url: str,
    mail: Mail,
    article_id: int | None = None,
    actor_name: str = "",
) -> int:
    """Tell each of these people of one event, as each chose for `kind`: a notice in the
    site (once per `key`) and an e-mail to their verified address (once per `key` and
    person). Returns how many e-mails were sent."""
    notify(
        kind=kind,
        key=key,
        recipient_ids=recipient_ids,
        text=text,
        url=url,
        article_id=article_id,
        actor_name=actor_name,
    )
    sent = 0
    for user_id, address in sorted(_mailed(recipient_ids, kind).items()):
        if mail.not_to and address.strip().lower() == mail.not_to.strip().lower():
            continue
        sent += _deliver(
            key=f"{key}:user:{user_id}",
            to=address,
            subject=mail.subject,
            template=mail.template,
            context={**mail.context, "unsubscribe_url": mail.unsubscribe(user_id)},
        )
    return sent


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
    """Tell the article's watchers (not the author) about a revision; returns how many
    e-mails were sent."""
    revision = Revision.objects.select_related("article", "author").filter(pk=revision_id).first()
    if revision is None or not watchers_hear_of(revision):
        return 0
    article = revision.article
    if revision.number > 1:
        path = reverse("wiki:diff", args=[article.slug, revision.number - 1, revision.number])
    else:
        path = article.get_absolute_url()
    return tell(
        kind=NoticeKind.WATCHED_EDIT,
        key=f"revision:{revision.pk}",
        recipient_ids=_watchers(article.pk, besides={revision.author_id}),
        text=f"{revision.author_name} edited “{article.title}”",
        url=path,
        article_id=article.pk,
        actor_name=revision.author_name,
        mail=Mail(
            subject=f"“{article.title}” was edited by {revision.author_name}",
            template="notifications/email/revision.txt",
            context={
                "article": article,
                "revision": revision,
                "change_url": absolute_url(path),
                "article_url": absolute_url(article.get_absolute_url()),
            },
            unsubscribe=lambda user_id: stop_link("watch", user_id, article.pk),
        ),
    )


def send_comment_mails(*, comment_id: int) -> int:
    """For a published comment: ask its anonymous author to confirm their subscription, tell
    the author (or confirmed subscribers) of the comment it replies to, and the article's
    other watchers; returns how many e-mails were sent."""
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
    answered = _replied_to(comment)
    sent += _send_reply(comment, answered)
    return sent + _send_new_comment(comment, besides={comment.author_id, answered})


def _answers_live_comment(comment: Comment) -> bool:
    parent = comment.parent
    return not (
        parent is None or parent.parent_id is None or parent.status in (Status.SPAM, Status.REMOVED)
    )


def _replied_to(comment: Comment) -> int | None:
    """The account whose live comment `comment` answers, when it is someone else's."""
    if not _answers_live_comment(comment):
        return None
    recipient = comment.parent.author
    if recipient is None or recipient.pk == comment.author_id or not recipient.is_active:
        return None
    return recipient.pk


def _send_reply(comment: Comment, recipient_id: int | None) -> int:
    """The author of the comment answered hears of the reply; so do its confirmed
    subscribers (anonymous commenters), by e-mail."""
    if not _answers_live_comment(comment):
        return 0
    article = comment.article
    context = {
        "article": article,
        "reply": comment,
        "excerpt": _excerpt(comment.body),
        "reply_url": absolute_url(comment.get_absolute_url()),
    }
    subject = f"{comment.author_name} replied to your comment on “{article.title}”"
    replier_email = comment.author_email.strip().lower()
    sent = 0
    if recipient_id is not None:
        sent += tell(
            kind=NoticeKind.REPLY,
            key=f"reply:{comment.pk}",
            recipient_ids=[recipient_id],
            text=subject,
            url=comment.get_absolute_url(),
            article_id=article.pk,
            actor_name=comment.author_name,
            mail=Mail(
                subject=subject,
                template="notifications/email/reply.txt",
                context=context,
                unsubscribe=lambda user_id: stop_link("replies", user_id),
                not_to=replier_email,
            ),
        )
    subscriptions = comment.parent.subscriptions.filter(
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
                "unsubscribe_url": stop_link("subscription", subscription.pk),
            },
        )
    return sent


def _send_new_comment(comment: Comment, *, besides: set[int | None]) -> int:
    """The article's watchers hear of a new comment (but its author, and whoever heard of it
    as a reply to them)."""
    article = comment.article
    text = f"{comment.author_name} commented on “{article.title}”"
    return tell(
        kind=NoticeKind.WATCHED_COMMENT,
        key=f"comment:{comment.pk}",
        recipient_ids=_watchers(article.pk, besides=besides),
        text=text,
        url=comment.get_absolute_url(),
        article_id=article.pk,
        actor_name=comment.author_name,
        mail=Mail(
            subject=text,
            template="notifications/email/comment.txt",
            context={
                "article": article,
                "comment": comment,
                "excerpt": _excerpt(comment.body),
                "comment_url": absolute_url(comment.get_absolute_url()),
            },
            unsubscribe=lambda user_id: stop_link("watched_comment", user_id),
        ),
    )


# What moderators' decisions are called when they gave no reason of their own
# (moderation.services): a notice does not repeat them as a reason.
_UNSAID_REASONS = {"Approved", "Marked as spam", "Removed", "Restored"}


def send_moderation_mails(*, moderation_event_id: int, reason: str) -> int:
    """Tell the author of moderated content what a moderator, or the spam check, decided
    about it (not their own moves); returns how many e-mails were sent (0 or 1)."""
    logged = ModerationEvent.objects.select_related("case").filter(pk=moderation_event_id).first()
    content = logged and logged.case.content
    if content is None or logged.actor_kind not in (Actor.MODERATOR, Actor.AKISMET):
        return 0
    summary = adapter_for(content).summary(content)
    author = summary.author
    if author is None or not author.is_active or author.pk == logged.actor_id:
        return 0
    decided = _decision_words(logged, summary.kind, summary.title)
    said = decided
    if logged.actor_kind == Actor.MODERATOR and reason and reason not in _UNSAID_REASONS:
        said = f"{decided} Reason: {reason}"
    return tell(
        kind=NoticeKind.MODERATION,
        key=f"moderation:{logged.pk}",
        recipient_ids=[author.pk],
        text=said,
        url=summary.url,
        article_id=getattr(content, "article_id", None),
        mail=Mail(
            subject=decided.rstrip("."),
            template="notifications/email/moderation.txt",
            context={"said": said, "content_url": absolute_url(summary.url)},
            unsubscribe=lambda user_id: stop_link("moderation", user_id),
        ),
    )


def _decision_words(logged: ModerationEvent, kind: str, title: str) -> str:
    """One sentence for the author: the spam check's verdict says held or published only
    (a person will look at what it held); a moderator's decision says what they did."""
    what = f"Your edit to “{title}”" if kind == "edit" else f"Your {kind} on “{title}”"
    old, new = logged.from_status, logged.to_status
    if logged.actor_kind == Actor.AKISMET:
        if new == Status.PUBLISHED:
            return f"{what} passed the spam check and is published."
        return f"{what} is held for review by a moderator."
    if old == Status.REMOVED:
        return f"A moderator restored {_lower(what)}."
    if new == Status.REMOVED:
        return f"A moderator removed {_lower(what)}."
    if new == Status.SPAM:
        return f"A moderator marked {_lower(what)} as spam."
    if new == Status.PUBLISHED:
        return f"A moderator approved {_lower(what)}: it is published."
    return f"A moderator held {_lower(what)} for review."


def _lower(what: str) -> str:
    return what[0].lower() + what[1:]


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
                "comment_url": absolute_url(comment.get_absolute_url()),
                "confirm_url": absolute_url(confirm_path),
                "days": CONFIRM_MAX_AGE.days,
            },
        )
    )


def _excerpt(text: str) -> str:
    text = text.strip()
    if len(text) <= EXCERPT_LENGTH:
        return text
    return text[:EXCERPT_LENGTH].rstrip() + " …"
