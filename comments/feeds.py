"""The Atom feed of an article's published comments: shown names only, never an e-mail
address or an IP."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from comments.models import Comment
from wiki.models import Article

FEED_SIZE = 50


class AtomFeedWithContent(Atom1Feed):
    """Atom with each entry's full (sanitized) HTML in <content type="html">."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class ArticleCommentsFeed(Feed):
    feed_type = AtomFeedWithContent
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest, slug: str) -> Article:
        return get_object_or_404(Article.objects.live(), slug=slug)

    def title(self, obj: Article) -> str:
        return f"Commons: discussion of “{obj.title}”"

    def link(self, obj: Article) -> str:
        return obj.get_absolute_url()

    def items(self, obj: Article):
        return Comment.objects.for_article_feed(obj)[:FEED_SIZE]

    def item_title(self, item: Comment) -> str:
        return f"Comment by {item.author_name} on {item.article.title}"

    def item_link(self, item: Comment) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Comment) -> str:
        return f"tag:commons,2026:comment:{item.pk}"

    def item_description(self, item: Comment) -> None:
        return None

    def item_extra_kwargs(self, item: Comment) -> dict[str, str]:
        # Computed once at save and sanitized (wiki.markup.render_comment_markdown).
        return {"content": item.html}

    def item_author_name(self, item: Comment) -> str:
        return item.author_name

    def item_pubdate(self, item: Comment):
        return item.created_at

    def item_updateddate(self, item: Comment):
        return item.edited_at or item.created_at
