"""Atom feeds of revisions: the whole wiki's recent changes, and one article's history.

Entries name the author by their shown name only: never an e-mail address or an IP.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from wiki.models import Article, Revision

FEED_SIZE = 50


class RevisionFeed(Feed):
    """Shared entry shape: title "Article — revision N", a link to what changed."""

    feed_type = Atom1Feed

    def item_title(self, item: Revision) -> str:
        return f"{item.title} — revision {item.number}"

    def item_link(self, item: Revision) -> str:
        slug = item.article.slug
        if item.number == 1:
            return reverse("wiki:article", kwargs={"slug": slug})
        return reverse("wiki:diff", kwargs={"slug": slug, "a": item.number - 1, "b": item.number})

    def item_guid(self, item: Revision) -> str:
        return f"tag:commons,2026:revision:{item.pk}"

    item_guid_is_permalink = False

    def item_description(self, item: Revision) -> str:
        # Atom declares the summary HTML (<summary type="html">); an edit summary is plain
        # text, so it is escaped once here and a reader shows "<b>" as typed.
        return escape(item.summary or ("New article" if item.number == 1 else "(no summary)"))

    def item_author_name(self, item: Revision) -> str:
        return item.author_name

    def item_pubdate(self, item: Revision):
        return item.created_at

    def item_updateddate(self, item: Revision):
        return item.created_at


class RecentChangesFeed(RevisionFeed):
    title = "Commons: recent changes"
    subtitle = "Every edit to the wiki's live articles, newest first."

    def link(self) -> str:
        return reverse("recent")

    def items(self):
        return Revision.objects.for_recent_changes()[:FEED_SIZE]


class ArticleRevisionsFeed(RevisionFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Article:
        return get_object_or_404(Article.objects.live(), slug=slug)

    def title(self, obj: Article) -> str:
        return f"Commons: changes to “{obj.title}”"

    def link(self, obj: Article) -> str:
        return reverse("wiki:history", kwargs={"slug": obj.slug})

    def items(self, obj: Article):
        return Revision.objects.for_article_feed(obj)[:FEED_SIZE]
