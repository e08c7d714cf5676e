"""The article page, and the shared copies of an article's pages: a page-level API that
views of any app call (comments re-renders the page with its bound form after an error).

The page is the article's current text, then what registered sections add
(wiki.sections). A plain view of a live article carries an ETag and Last-Modified, and a
browser that already holds this version gets a 304 before anything is rendered.
Anonymous readers share one rendered copy of each version (commons.pagecache).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode

from commons.fragments import fragment_key
from commons.http import canonical_url
from commons.pagecache import PageCopy, may_share_copy, page_etag
from moderation import log as moderation_log
from moderation.models import LogAction, TargetKind
from wiki.markup import html_excerpt
from wiki.models import Article, ArticleStamp
from wiki.permissions import can_edit, can_edit_once_signed_in, can_moderate, can_move
from wiki.sections import PAGE_NUMBER, PLACES, sections

# What the article page's address may carry for its shared copy: the discussion's page.
ARTICLE_PAGE_PARAMS = frozenset({"page"})


def article_for_page(request: HttpRequest, slug: str) -> Article | None:
    """The article at `slug` with everything its page shows, and what each section asks
    about this viewer, in one query; None when there is none."""
    articles = (
        Article.objects.with_current_revision()
        .with_review_state()
        .defer("current_revision__source")
    )
    for section in sections():
        articles = section.annotate(articles, request)
    return articles.filter(slug=slug).first()


def served_article_copy(request: HttpRequest, slug: str) -> HttpResponse | None:
    """For an anonymous reader: a 304, or the stored copy of the live article's current
    version (one light query), or None."""
    if not may_share_copy(request, ARTICLE_PAGE_PARAMS):
        return None
    stamp = Article.objects.stamp_of(slug)
    return stamp and _article_copy(request, stamp, None).served(request)


def render_article_page(
    request: HttpRequest,
    article: Article,
    *,
    status: int = 200,
    section_state: Mapping[str, object] | None = None,
) -> HttpResponse:
    """The article's page. `section_state` hands sections, by name, what this request
    brings them (the discussion its bound form after an error); such a page, an error
    page or an archived article's is never shared and carries no validators."""
    section_state = section_state or {}
    if section_state or status != 200 or article.is_archived:
        return _article_response(request, article, status, section_state)
    copy = _article_copy(request, article.stamp, article)
    if copy.etag is None:
        return _article_response(request, article, status, section_state)
    unchanged = copy.unchanged(request)
    if unchanged is not None:
        return unchanged
    response = _article_response(request, article, status, section_state)
    shown = response.context_data.get(PAGE_NUMBER, 1)
    # Kept under the page it shows, not under every ?page=junk.
    return copy.keep(response, store=request.GET.get("page", "1") == str(shown))


def _article_copy(request: HttpRequest, stamp: ArticleStamp, article: Article | None) -> PageCopy:
    """The page's validators, and its shared copy's key when this reader shares one."""
    parts = [stamp.key, can_moderate(request.user)]
    for section in sections():
        parts.extend(section.etag_parts(request, article))
    shared = may_share_copy(request, ARTICLE_PAGE_PARAMS)
    return PageCopy(
        # The host too: the page names its absolute canonical address.
        key=fragment_key("article", stamp.key, request.get_host(), request.GET.get("page", "1"))
        if shared
        else None,
        scope=stamp.scope,
        etag=page_etag(request, *parts),
        last_modified=stamp.changed_at,
    )


def _article_response(
    request: HttpRequest, article: Article, status: int, section_state: Mapping[str, object]
) -> TemplateResponse:
    revision = article.current_revision
    context = {
        "article": article,
        "revision": revision,
        # An archived article's text is for moderators only, and its page is gone (410).
        "description": "" if article.is_archived else html_excerpt(revision.html) or article.title,
        "awaiting_review": _awaiting_review(article),
        "can_edit": can_edit(request.user, article),
        "sign_in_to_edit": can_edit_once_signed_in(request.user, article),
        "can_move": can_move(request.user, article),
        "is_moderator": can_moderate(request.user),
    }
    if context["is_moderator"]:
        context.update(_done_by(article))
    placed: dict[str, list[str]] = {place: [] for place in PLACES}
    for section in sections():
        context.update(section.context(request, article, section_state.get(section.name)))
        placed[section.place].append(section.template)
    context["sections"] = placed
    context["canonical_url"] = canonical_url(
        request, article.get_absolute_url(), context.get(PAGE_NUMBER, 1)
    )
    if article.is_archived and status == 200:
        status = 410
    return TemplateResponse(request, "wiki/article_detail.html", context, status=status).render()


def _done_by(article: Article) -> dict[str, object]:
    """For moderators: the log entries that say who archived or locked the article, when
    and why (a query for each state the article is in, none for the others)."""
    found: dict[str, object] = {"log_url": log_url_for(TargetKind.ARTICLE, article.pk)}
    if article.is_archived:
        found["archived_entry"] = moderation_log.latest(
            LogAction.ARCHIVE, kind=TargetKind.ARTICLE, target_id=article.pk
        )
    if article.is_locked:
        found["locked_entry"] = moderation_log.latest(
            LogAction.LOCK, kind=TargetKind.ARTICLE, target_id=article.pk
        )
    return found


def log_url_for(kind: str, target_id: object) -> str:
    """The moderators' log, filtered to one target."""
    query = urlencode({"target_kind": kind, "target_id": target_id})
    return f"{reverse('moderation:log')}?{query}"


def _awaiting_review(article: Article) -> bool:
    """Whether no person or check has accepted the current revision yet (noindex)."""
    awaiting = getattr(article, "awaiting_review", None)
    if awaiting is None:
        rows = Article.objects.with_review_state().filter(pk=article.pk)
        awaiting = bool(rows.values_list("awaiting_review", flat=True).first())
    return awaiting


def article_page_copy(request: HttpRequest, slug: str, kind: str, *parts: object) -> PageCopy:
    """For an anonymous reader of a live article's page other than the article's own
    (its history, a diff): the shared copy of the article's current version (one light
    query). An empty PageCopy for anyone else."""
    if not may_share_copy(request, ARTICLE_PAGE_PARAMS):
        return PageCopy()
    stamp = Article.objects.stamp_of(slug)
    if stamp is None:
        return PageCopy()
    return PageCopy(key=fragment_key(kind, stamp.key, *parts), scope=stamp.scope)
