"""Listings of articles: the index, wanted articles, what links here, and search."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from commons.http import HtmlSafeJSONEncoder, canonical_url
from wiki.models import Article
from wiki.permissions import can_edit, can_edit_once_signed_in, can_moderate, can_read_history
from wiki.search import PAGE_SIZE as SEARCH_PAGE_SIZE
from wiki.search import clean_query, search_articles, suggest_titles
from wiki.slugs import slug_for


@require_safe
def article_links(request: HttpRequest, slug: str) -> HttpResponse:
    """What links here: live articles whose current text links to this address."""
    article = Article.objects.filter(slug=slug).first()
    if article is not None and not can_read_history(request.user, article):
        article = None  # its title is part of what was archived (spam, say)
    slugs = [slug]
    if article is not None:
        slugs += list(article.redirects.values_list("old_slug", flat=True))
    linking = (
        Article.objects.live()
        .filter(outgoing_links__target_slug__in=slugs)
        .distinct()
        .for_listing()
        .order_by("title")
    )
    page = Paginator(linking, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    title = article.title if article else slug.replace("-", " ").capitalize()
    context = {
        "article": article,
        "slug": slug,
        "title": title,
        "page": page,
        "can_edit": can_edit(request.user, article) if article else False,
        "sign_in_to_edit": bool(article) and can_edit_once_signed_in(request.user, article),
        "is_moderator": can_moderate(request.user),
    }
    return render(request, "wiki/article_links.html", context)


@require_safe
def wanted_articles(request: HttpRequest) -> HttpResponse:
    """Missing articles that live articles link to, the most linked first."""
    page = Paginator(Article.objects.wanted(), settings.WIKI_LISTING_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {**row, "title": row["target_slug"].replace("-", " ").capitalize()}
        for row in page.object_list
    ]
    return render(request, "wiki/wanted.html", {"page": page, "rows": rows})


INDEX_PAGE_SIZE = 100


def _index_letter(title: str) -> str:
    first = title[:1].upper()
    return first if first.isalpha() else "#"


@require_safe
def article_index(request: HttpRequest) -> HttpResponse:
    """Every live article A to Z, under a heading per first letter."""
    page = Paginator(Article.objects.for_index(), INDEX_PAGE_SIZE).get_page(request.GET.get("page"))
    groups: list[tuple[str, list[Article]]] = []
    for article in page.object_list:
        letter = _index_letter(article.title)
        if not groups or groups[-1][0] != letter:
            groups.append((letter, []))
        groups[-1][1].append(article)
    context = {
        "page": page,
        "groups": groups,
        "canonical_url": canonical_url(request, reverse("wiki:index"), page.number),
    }
    return render(request, "wiki/article_index.html", context)


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = clean_query(request.GET.get("q", ""))
    page = None
    exact = None
    if query:
        exact = Article.objects.live().filter(slug=slug_for(query)).first()
        # "Main_Page" names "Main page", as its address /wiki/Main_Page/ does.
        if exact is not None and exact.title.casefold() == query.replace("_", " ").casefold():
            return redirect(exact)
        page = Paginator(search_articles(query), SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "page": page,
        "extra_query": urlencode({"q": query}),
        # Never offer to create an article whose address is already taken.
        "create_slug": slug_for(query) if query and exact is None else "",
        "can_create": can_edit(request.user, None),
    }
    return render(request, "wiki/search.html", context)


@require_safe
def suggest(request: HttpRequest) -> JsonResponse:
    """Titles of live articles starting with `q`, for the header search box."""
    return JsonResponse(
        {"results": suggest_titles(request.GET.get("q", ""))}, encoder=HtmlSafeJSONEncoder
    )
