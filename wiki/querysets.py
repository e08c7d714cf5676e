from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Lower

from commons.undeletable import UndeletableQuerySet
from moderation.models import ModerationCase


@dataclass(frozen=True)
class ArticleStamp:
    """Which article, in which version: what cached copies of its pages and ETags key on."""

    pk: int
    version: int
    changed_at: datetime

    @property
    def key(self) -> str:
        # The time too, in case a restored database hands out an old version number again.
        return f"{self.pk}:{self.version}.{self.changed_at.timestamp():.6f}"

    @property
    def scope(self) -> tuple[str, int]:
        """What a stored copy of the article's pages shows (commons.pagecache)."""
        return (article_scope(self.pk), self.version)


def article_scope(pk: int) -> str:
    return f"article:{pk}"


class ArticleQuerySet(UndeletableQuerySet):
    def live(self) -> ArticleQuerySet:
        """Articles readers find in listings: not archived."""
        return self.filter(archived_at__isnull=True)

    def archived(self) -> ArticleQuerySet:
        return self.filter(archived_at__isnull=False)

    def with_current_revision(self) -> ArticleQuerySet:
        """The article page's one query: the article, its current revision and its author."""
        return self.select_related("current_revision", "current_revision__author")

    def with_review_state(self) -> ArticleQuerySet:
        """Annotate `awaiting_review`: no person or check has accepted the current revision
        yet (it is live, but search engines are asked to keep it out of their indexes)."""
        revision_model = self.model._meta.get_field("current_revision").related_model
        return self.annotate(
            awaiting_review=ModerationCase.objects.awaiting_review_of(
                revision_model, OuterRef("current_revision_id")
            )
        )

    def stamp_of(self, slug: str) -> ArticleStamp | None:
        """The live article's ArticleStamp, or None: one light query, no model built."""
        rows = self.live().filter(slug=slug).order_by().values_list("pk", "version", "changed_at")
        return next((ArticleStamp(*row) for row in rows[:1]), None)

    def last_change(self) -> datetime | None:
        """When any article, its revisions or its discussion last changed (an index scan)."""
        return self.aggregate(latest=Max("changed_at"))["latest"]

    def for_listing(self) -> ArticleQuerySet:
        """Index rows: titles and timestamps only, never the texts."""
        return self.only("slug", "title", "updated_at", "archived_at")

    def for_index(self) -> ArticleQuerySet:
        """The A to Z index: live articles by title, case ignored, titles only."""
        return self.live().for_listing().order_by(Lower("title"), "pk")

    def wanted(self):
        """Slugs live articles link to that lead nowhere (no live article, no redirect to
        one), as dicts of `target_slug` and `links` (how many articles link there), the most
        wanted first. One grouped query over the link table."""
        link_model = self.model._meta.get_field("outgoing_links").related_model
        redirect_model = self.model._meta.get_field("redirects").related_model
        live_slugs = self.model.objects.live().values("slug")
        redirected = redirect_model.objects.filter(article__archived_at__isnull=True).values(
            "old_slug"
        )
        return (
            link_model.objects.filter(source__archived_at__isnull=True)
            .exclude(target_slug__in=live_slugs)
            .exclude(target_slug__in=redirected)
            .values("target_slug")
            .annotate(links=Count("id"))
            .order_by("-links", "target_slug")
        )

    def matching(self, query: str) -> ArticleQuerySet:
        """Live articles holding every word of `query` in title or text as read, none of
        its `-words`; the more words in the title, the higher (the SQLite search)."""
        included, excluded = search_words(query)
        if not included:
            return self.none()
        found = self.live()
        for word in included:
            found = found.filter(Q(title__icontains=word) | Q(search_text__icontains=word))
        for word in excluded:
            found = found.exclude(title__icontains=word).exclude(search_text__icontains=word)
        title_hits = sum(
            (
                Case(When(title__icontains=word, then=Value(1)), default=Value(0))
                for word in included
            ),
            start=Value(0),
        )
        return (
            found.annotate(title_hits=ExpressionWrapper(title_hits, output_field=IntegerField()))
            .order_by("-title_hits", "title", "pk")
            .for_listing()
        )


def search_words(query: str) -> tuple[list[str], list[str]]:
    """The words to find and those to exclude (`-word`), quotes dropped, at most 8 each."""
    included: list[str] = []
    excluded: list[str] = []
    for term in query.split():
        negative = term.startswith("-") and len(term) > 1
        word = term.lstrip("-").strip("\"'")
        if not word or word == "OR":
            continue
        bucket = excluded if negative else included
        if word.casefold() not in {known.casefold() for known in bucket} and len(bucket) < 8:
            bucket.append(word)
    return included, excluded


class RevisionQuerySet(UndeletableQuerySet):
    def without_text(self) -> RevisionQuerySet:
        """History rows: never load the source or HTML of every revision in a listing."""
        return self.defer("source", "html")

    def for_history(self) -> RevisionQuerySet:
        """An article's revisions, newest first, with their authors, without their texts."""
        return self.without_text().select_related("author").order_by("-number")

    def public(self) -> RevisionQuerySet:
        """Revisions the public may see, text and summary: not hidden (by a moderator or as
        spam), of an article that is not archived. Every public listing starts here."""
        return self.filter(is_hidden=False, article__archived_at__isnull=True)

    def for_recent_changes(self) -> RevisionQuerySet:
        """Every public revision, newest first, with article and author."""
        return (
            self.without_text()
            .public()
            .select_related("article", "author")
            .order_by("-created_at", "-id")
        )

    def by_author(self, user) -> RevisionQuerySet:
        return self.for_recent_changes().filter(author=user)

    def for_article_feed(self, article) -> RevisionQuerySet:
        """An article's public revisions for its feed, newest first, without their texts."""
        return (
            self.without_text()
            .public()
            .filter(article=article)
            .select_related("article")
            .order_by("-created_at", "-id")
        )

    def without_minor(self) -> RevisionQuerySet:
        return self.filter(is_minor=False)

    def creations(self) -> RevisionQuerySet:
        """First revisions: the articles' creations."""
        return self.filter(number=1)

    def unchecked(self) -> RevisionQuerySet:
        """Revisions no person or check has accepted yet (patrol): the rule of the article
        page's `awaiting_review`, per revision, in the same query. A trusted author's
        revision has no case and counts as checked."""
        return self.filter(ModerationCase.objects.awaiting_review_of(self.model))

    def activity_since(self, since: datetime) -> dict[str, int]:
        """How many edits to live articles since `since`, and by how many people (one
        aggregate query; anonymous editors count once per shown name)."""
        return self.filter(article__archived_at__isnull=True, created_at__gte=since).aggregate(
            edits=Count("id"), people=Count("author_name", distinct=True)
        )

    def visible(self) -> RevisionQuerySet:
        """Revisions whose text the public may read."""
        return self.filter(is_hidden=False)
