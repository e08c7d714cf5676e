from __future__ import annotations

from django.db.models import Count, Q
from mptt.querysets import TreeQuerySet

from commons.undeletable import UndeletableQuerySet
from moderation.states import Status


class CommentQuerySet(UndeletableQuerySet, TreeQuerySet):
    def comments(self) -> CommentQuerySet:
        """Real comments, without each article's invisible thread root."""
        return self.filter(parent__isnull=False)

    def published(self) -> CommentQuerySet:
        """What readers see: published and not hidden pending review."""
        return self.comments().filter(status=Status.PUBLISHED, is_held=False)

    def for_recent_changes(self) -> CommentQuerySet:
        """Published comments on live articles, newest first, with article and author;
        never the private fields (e-mail, IP, user agent)."""
        return (
            self.published()
            .filter(article__archived_at__isnull=True)
            .select_related("article", "author")
            .defer("body", "author_email", "author_ip", "user_agent", "referrer")
            .order_by("-created_at", "-id")
        )

    def by_author(self, user) -> CommentQuerySet:
        return self.for_recent_changes().filter(author=user)

    def for_article_feed(self, article) -> CommentQuerySet:
        """An article's published comments for its feed, newest first."""
        return (
            self.published()
            .filter(article=article)
            .select_related("article")
            .defer("body", "author_email", "author_ip", "user_agent", "referrer")
            .order_by("-created_at", "-id")
        )

    def for_article(self, article) -> CommentQuerySet:
        return self.comments().filter(article=article)

    def threads(self, article) -> CommentQuerySet:
        """The top-level comments of an article's discussion, oldest first."""
        return self.filter(article=article, level=1).order_by("lft")

    def in_range(self, article, lft: int, rght: int) -> CommentQuerySet:
        """Every comment of `article` between two tree bounds: a page of whole threads."""
        return (
            self.filter(article=article, level__gte=1, lft__gte=lft, rght__lte=rght)
            .select_related("author")
            .defer("body", "author_email", "author_ip", "user_agent", "referrer")
            .order_by("level", "lft")
        )

    def seen_by(self, *, user, own_ids: frozenset[int] = frozenset()) -> dict[str, int]:
        """How many of these comments the viewer sees (`seen`: published and not hidden, and
        their own awaiting moderation) and how many of those await moderation (`awaiting`).
        One query."""
        own = Q(pk__in=own_ids)
        if user.is_authenticated:
            own |= Q(author=user)
        published = Q(status=Status.PUBLISHED)
        awaiting = own & Q(status=Status.PENDING)
        return self.filter(is_held=False).aggregate(
            seen=Count("pk", filter=published | awaiting), awaiting=Count("pk", filter=awaiting)
        )

    def visible_to(self, *, user, own_ids: frozenset[int] = frozenset()) -> CommentQuerySet:
        """Published comments, plus the viewer's own that still wait for moderation."""
        own = Q(pk__in=own_ids)
        if user.is_authenticated:
            own |= Q(author=user)
        return self.filter(Q(status=Status.PUBLISHED) | (own & Q(status=Status.PENDING)))
