"""Who hears about what: watched articles, reply subscriptions, and each e-mail sent once."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from notifications.querysets import WatchQuerySet


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


class Preference(models.Model):
    """A signed-in user's choices; without a row, the defaults hold."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    mail_replies = models.BooleanField(
        default=True, help_text="E-mail me when someone replies to my comments."
    )

    def __str__(self) -> str:
        return f"Notification choices of user {self.user_id}"


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
