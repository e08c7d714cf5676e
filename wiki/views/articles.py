"""Reading an article, and the other spellings of its address."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_safe

from wiki.pages import article_for_page, render_article_page, served_article_copy
from wiki.permissions import can_edit
from wiki.slugs import slug_for
from wiki.views.common import redirect_for_old_slug


def canonical_address(request: HttpRequest, address: str, rest: str) -> HttpResponse:
    """Another spelling of an article's address (case, underscores, spaces) leads to its
    slug, keeping the rest of the path and the query: a 301 for reads, and a 308 for any
    other method, which a client repeats with the same method and body (a 301 drops them)."""
    slug = slug_for(address)
    if not slug or slug == address:
        raise Http404("No page at this address.")
    location = reverse("wiki:article", kwargs={"slug": slug}) + escape_uri_path(rest)
    if query := request.META.get("QUERY_STRING", ""):
        location += f"?{query}"
    reading = request.method in ("GET", "HEAD")
    return HttpResponsePermanentRedirect(location, preserve_request=not reading)


@require_safe
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    served = served_article_copy(request, slug)
    if served:
        return served
    article = article_for_page(request, slug)
    if article is None:
        moved = redirect_for_old_slug(slug)
        if moved is not None:
            return moved
        title = request.GET.get("title") or slug.replace("-", " ").capitalize()
        context = {"slug": slug, "title": title, "can_create": can_edit(request.user, None)}
        return render(request, "wiki/article_missing.html", context, status=404)
    return render_article_page(request, article)
