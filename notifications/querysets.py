from django.db import models


class WatchQuerySet(models.QuerySet):
    def for_user(self, user) -> "WatchQuerySet":
        """A user's watches, most recently changed article first, with its latest revision
        (one query, whatever the number of articles)."""
        return (
            self.filter(user=user)
            .select_related("article__current_revision")
            .order_by("-article__updated_at", "-pk")
        )


class NoticeQuerySet(models.QuerySet):
    def for_recipient(self, user) -> "NoticeQuerySet":
        """A person's notices, newest first, with the article each is about."""
        return self.filter(recipient=user).select_related("article").order_by("-created_at", "-pk")

    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)
