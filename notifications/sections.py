"""The watch star on the article page (a wiki.sections section)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from notifications.models import Watch
from notifications.watching import is_watching
from wiki.sections import BAR


class WatchStar:
    name = "watch"
    place = BAR
    template = "notifications/article_watch_star.html"

    def annotate(self, articles: QuerySet, request: HttpRequest) -> QuerySet:
        if not request.user.is_authenticated:
            return articles
        return articles.annotate(
            viewer_watches=Exists(Watch.objects.filter(article=OuterRef("pk"), user=request.user))
        )

    def etag_parts(self, request: HttpRequest, article) -> tuple:
        return (article is not None and _watching(request, article),)

    def context(self, request: HttpRequest, article, state: object) -> dict[str, object]:
        return {"watching": _watching(request, article)}


def _watching(request: HttpRequest, article) -> bool:
    """From the page's query when it asked (kept on the article, so asked once)."""
    watching = getattr(article, "viewer_watches", None)
    if watching is None:
        watching = article.viewer_watches = is_watching(user=request.user, article=article)
    return watching
