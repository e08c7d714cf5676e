from __future__ import annotations

from django.db.models import Case, IntegerField, Q, Value, When

from commons.undeletable import UndeletableQuerySet


class ArticleQuerySet(UndeletableQuerySet):
    def live(self) -> ArticleQuerySet:
        """Articles readers find in listings: not archived."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> ArticleQuerySet:
        return self.filter(archived_at__isnull=False)

    def with_current_revision(self) -> ArticleQuerySet:
        """The article page's one query: the article, its current revision and its author."""
        return self.select_related("current_revision", "current_revision__author")

    def for_listing(self) -> ArticleQuerySet:
        """Index rows: titles and timestamps only, never the texts."""
        return self.only("slug", "title", "updated_at", "archived_at")

    def matching(self, query: str) -> ArticleQuerySet:
        """Live articles whose title or current text holds the query, title hits first."""
        return (
            self.live()
            .filter(Q(title__icontains=query) | Q(current_revision__source__icontains=query))
            .annotate(
                title_hit=Case(
                    When(title__icontains=query, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("title_hit", "title")
            .for_listing()
        )


class RevisionQuerySet(UndeletableQuerySet):
    def without_text(self) -> RevisionQuerySet:
        """History rows: never load the source or HTML of every revision in a listing."""
        return self.defer("source", "html")

    def for_history(self) -> RevisionQuerySet:
        """An article's revisions, newest first, with their authors, without their texts."""
        return self.without_text().select_related("author").order_by("-number")

    def for_recent_changes(self) -> RevisionQuerySet:
        """Every revision of live articles, newest first, with article and author."""
        return (
            self.without_text()
            .filter(article__archived_at__isnull=True)
            .select_related("article", "author")
            .order_by("-created_at", "-id")
        )

    def by_author(self, user) -> RevisionQuerySet:
        return self.for_recent_changes().filter(author=user)

    def visible(self) -> RevisionQuerySet:
        """Revisions whose text the public may read."""
        return self.filter(is_hidden=False)
