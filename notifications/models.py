"""Who hears about what: watched articles, reply subscriptions, and each e-mail sent once."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from notifications.querysets import NoticeQuerySet, WatchQuerySet


class Watch(models.Model):
    """A signed-in user hears about every new revision of an article (not their own)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    article = models.ForeignKey("wiki.Article", on_delete=models.PROTECT, related_name="watches")
    created_at = models.DateTimeField(default=timezone.now)

    objects = WatchQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="notifications_watch_one_per_user_article"
            )
        ]

    def __str__(self) -> str:
        return f"User {self.user_id} watches article {self.article_id}"


class NoticeKind(models.TextChoices):
    """What a person can hear about; each has its own choice of channel (Preference)."""

    REPLY = "reply", "Replies to my comments"
    MENTION = "mention", "Mentions of me (@name)"
    WATCHED_EDIT = "watched_edit", "Edits of pages I watch"
    WATCHED_COMMENT = "watched_comment", "New comments on pages I watch"
    MODERATION = "moderation", "Moderators' decisions on what I wrote"


class Channel(models.TextChoices):
    """Where a kind of notice reaches a person."""

    BOTH = "both", "In the site and by e-mail"
    SITE = "site", "In the site only"
    EMAIL = "email", "By e-mail only"
    NONE = "none", "Not at all"

    @property
    def in_site(self) -> bool:
        return self in (Channel.BOTH, Channel.SITE)

    @property
    def by_email(self) -> bool:
        return self in (Channel.BOTH, Channel.EMAIL)


# Where each kind reaches a person who chose nothing: what answers or names them, and
# edits of what they watch (as before notices), by e-mail too; the rest in the site only.
DEFAULT_CHANNELS = {
    NoticeKind.REPLY: Channel.BOTH,
    NoticeKind.MENTION: Channel.BOTH,
    NoticeKind.WATCHED_EDIT: Channel.BOTH,
    NoticeKind.WATCHED_COMMENT: Channel.SITE,
    NoticeKind.MODERATION: Channel.SITE,
}


def _channel_field(kind: NoticeKind) -> models.CharField:
    return models.CharField(
        max_length=5,
        choices=Channel.choices,
        default=DEFAULT_CHANNELS[kind],
        verbose_name=kind.label,
    )


class Preference(models.Model):
    """A signed-in user's choices: a channel per kind of notice. Without a row, or for a
    kind without a choice, DEFAULT_CHANNELS hold."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    reply = _channel_field(NoticeKind.REPLY)
    mention = _channel_field(NoticeKind.MENTION)
    watched_edit = _channel_field(NoticeKind.WATCHED_EDIT)
    watched_comment = _channel_field(NoticeKind.WATCHED_COMMENT)
    moderation = _channel_field(NoticeKind.MODERATION)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{kind}__in": Channel.values}),
                name=f"notifications_preference_{kind}_valid",
            )
            for kind in NoticeKind.values
        ]

    def __str__(self) -> str:
        return f"Notification choices of user {self.user_id}"

    def channel(self, kind: str) -> Channel:
        return Channel(getattr(self, kind))


class Notice(models.Model):
    """One thing that happened, for one person, shown in the site (the bell and
    /notifications/). Created once per event and person: `key` names the event."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    key = models.CharField(max_length=200, help_text='The event, e.g. "comment:12".')
    article = models.ForeignKey(
        "wiki.Article", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    actor_name = models.CharField(max_length=150, blank=True)
    text = models.CharField(max_length=500, help_text="One line, plain text.")
    url = models.CharField(max_length=500, help_text="A path on this site.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="notifications_notice_once_per_event"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values),
                name="notifications_notice_kind_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notifications_notice_list"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notifications_notice_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"Notice {self.pk} for user {self.recipient_id}: {self.text}"


class Subscription(models.Model):
    """An anonymous commenter's wish to hear about replies to one comment (double opt-in)."""

    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.PROTECT, related_name="subscriptions"
    )
    email = models.EmailField(help_text="Never shown to the public.")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "email"], name="notifications_subscription_one_per_comment"
            )
        ]

    def __str__(self) -> str:
        return f"Subscription {self.pk} to replies to comment {self.comment_id}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Delivery(models.Model):
    """One e-mail for one event and one recipient: a retried task finds it and sends nothing."""

    key = models.CharField(max_length=200, help_text='e.g. "revision:12:user:3"')
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key"], name="notifications_delivery_key_unique")
        ]
        verbose_name_plural = "deliveries"

    def __str__(self) -> str:
        return self.key
