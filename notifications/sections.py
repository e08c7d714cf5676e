"""The watch star on the article page (a wiki.sections section)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from notifications.models import Watch
from notifications.watching import has_verified_address, is_watching, with_verified_address
from wiki.sections import BAR


class WatchStar:
    name = "watch"
    place = BAR
    template = "notifications/article_watch_star.html"

    def annotate(self, articles: QuerySet, request: HttpRequest) -> QuerySet:
        if not request.user.is_authenticated:
            return articles
        return articles.annotate(
            viewer_watches=Exists(Watch.objects.filter(article=OuterRef("pk"), user=request.user)),
            viewer_mailable=with_verified_address(request.user),
        )

    def etag_parts(self, request: HttpRequest, article) -> tuple:
        if article is None:
            return (False, False)
        # The note under the star comes and goes as the viewer verifies an address.
        return (_watching(request, article), _mailable(request, article))

    def context(self, request: HttpRequest, article, state: object) -> dict[str, object]:
        return {"watching": _watching(request, article), "mailable": _mailable(request, article)}


def _watching(request: HttpRequest, article) -> bool:
    """From the page's query when it asked (kept on the article, so asked once)."""
    watching = getattr(article, "viewer_watches", None)
    if watching is None:
        watching = article.viewer_watches = is_watching(user=request.user, article=article)
    return watching


def _mailable(request: HttpRequest, article) -> bool:
    """Whether the viewer has a verified address, from the page's query like _watching."""
    if not request.user.is_authenticated:
        return False
    mailable = getattr(article, "viewer_mailable", None)
    if mailable is None:
        mailable = article.viewer_mailable = has_verified_address(user=request.user)
    return mailable
