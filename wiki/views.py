"""Wiki pages: HTTP only. Parse, authorize, call one service, respond."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from html import unescape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.encoding import escape_uri_path
from django.utils.html import strip_tags
from django.utils.http import http_date, urlencode
from django.utils.text import Truncator
from django.views.decorators.http import require_POST, require_safe

from comments.discussion import commenter_initial, own_comment_ids
from comments.forms import CommentForm
from comments.models import Comment
from comments.rendering import discussion_page
from commons import ratelimit
from commons.fragments import fragment_key
from commons.http import HtmlSafeJSONEncoder, canonical_url, client_ip, form_body_is_utf8
from commons.outage import hands_back_on_outage
from commons.pagecache import cached_page, is_anonymous_reader, store_page
from notifications.models import Watch
from notifications.watching import is_watching
from wiki import services
from wiki.diffs import diff_texts
from wiki.forms import CompareForm, EditForm, MoveForm
from wiki.markup import TooComplexToRender, html_excerpt, render_markdown
from wiki.models import Article, ArticleRedirect, ArticleStamp, Revision
from wiki.permissions import (
    can_edit,
    can_edit_once_signed_in,
    can_moderate,
    can_move,
    can_read_history,
    can_read_revision,
    get_article_or_404,
    get_revision_or_404,
    get_sources_or_404,
)
from wiki.search import PAGE_SIZE as SEARCH_PAGE_SIZE
from wiki.search import clean_query, search_articles, suggest_titles
from wiki.slugs import slug_for


def contributor_for(request: HttpRequest) -> services.Contributor:
    user = request.user
    if user.is_authenticated:
        return services.Contributor(user=user, name=user.get_username(), ip=client_ip(request))
    return services.Contributor(user=None, name="Anonymous", ip=client_ip(request))


def _redirect_for_old_slug(slug: str, view_name: str = "wiki:article", **kwargs):
    """A 301 to the article's new address when `slug` is one it was moved from."""
    moved = ArticleRedirect.objects.select_related("article").filter(old_slug=slug).first()
    if moved is None:
        return None
    return redirect(view_name, slug=moved.article.slug, permanent=True, **kwargs)


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
    if _may_share_copy(request):
        stamp = Article.objects.stamp_of(slug)
        served = stamp and _served_from_copy(request, stamp)
        if served:
            return served
    articles = (
        Article.objects.with_current_revision()
        .with_review_state()
        .defer("current_revision__source")
    )
    if request.user.is_authenticated:  # what the page asks about the viewer, in the same query
        articles = articles.annotate(
            viewer_watches=Exists(Watch.objects.filter(article=OuterRef("pk"), user=request.user)),
            viewer_commented=Exists(
                Comment.objects.filter(article=OuterRef("pk"), author=request.user)
            ),
        )
    article = articles.filter(slug=slug).first()
    if article is None:
        moved = _redirect_for_old_slug(slug)
        if moved is not None:
            return moved
        title = request.GET.get("title") or slug.replace("-", " ").capitalize()
        context = {"slug": slug, "title": title, "can_create": can_edit(request.user, None)}
        return render(request, "wiki/article_missing.html", context, status=404)
    return render_article_page(request, article)


def render_article_page(
    request: HttpRequest, article: Article, *, comment_form: CommentForm | None = None, status=200
) -> HttpResponse:
    """The article's current text, then its discussion (with a bound form after an error).

    A plain view of a live article carries an ETag and Last-Modified, and a browser that
    already holds this version gets a 304 before anything is rendered. Anonymous readers
    share one rendered copy of each version (commons.pagecache).
    """
    is_moderator = can_moderate(request.user)
    watching = getattr(article, "viewer_watches", None)
    if watching is None:
        watching = is_watching(user=request.user, article=article)
    if comment_form is not None or status != 200 or article.is_archived:
        return _article_response(request, article, comment_form, status, is_moderator, watching)
    etag = _article_etag(request, article.stamp, is_moderator=is_moderator, watching=watching)
    if etag is None:
        return _article_response(request, article, comment_form, status, is_moderator, watching)
    unchanged = _unchanged(request, etag, article.stamp)
    if unchanged is not None:
        return unchanged
    response = _article_response(request, article, None, status, is_moderator, watching)
    shown_page = response.context_data["discussion"].page.number
    if _may_share_copy(request) and request.GET.get("page", "1") == str(shown_page):
        # Kept under the page it shows, not under every ?page=junk.
        store_page(_article_copy_key(request, article.stamp), response, scope=article.stamp.scope)
    return _with_validators(response, etag, article.stamp)


def _may_share_copy(request: HttpRequest) -> bool:
    """An anonymous reader asking for an article's page, at most with a page number."""
    return set(request.GET) <= {"page"} and is_anonymous_reader(request)


def _served_from_copy(request: HttpRequest, stamp: ArticleStamp) -> HttpResponse | None:
    """For an anonymous reader: a 304, or the stored copy of this version, or None."""
    etag = _article_etag(request, stamp, is_moderator=False, watching=False)
    unchanged = _unchanged(request, etag, stamp)
    if unchanged is not None:
        return unchanged
    copy = cached_page(request, _article_copy_key(request, stamp))
    return copy and _with_validators(copy, etag, stamp)


def _article_copy_key(request: HttpRequest, stamp: ArticleStamp) -> str:
    # The host too: the page names its absolute canonical address.
    return fragment_key("article", stamp.key, request.get_host(), request.GET.get("page", "1"))


def _unchanged(request: HttpRequest, etag: str, stamp: ArticleStamp) -> HttpResponse | None:
    last_modified = int(stamp.changed_at.timestamp())
    unchanged = get_conditional_response(request, etag=etag, last_modified=last_modified)
    return _revalidate_always(unchanged) if unchanged is not None else None


def _with_validators(response: HttpResponse, etag: str, stamp: ArticleStamp) -> HttpResponse:
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(stamp.changed_at.timestamp())
    return _revalidate_always(response)


def _article_response(request, article, comment_form, status, is_moderator, watching):
    anonymous = not request.user.is_authenticated
    discussion_open = not article.is_archived and not article.is_locked
    if comment_form is None:
        reply_to = request.GET.get("reply", "")
        comment_form = CommentForm(
            initial={
                "parent": reply_to if reply_to.isdigit() else None,
                "submission_key": uuid.uuid4(),
                **(commenter_initial(request.session) if anonymous else {}),
            },
            anonymous=anonymous,
        )
    discussion = discussion_html = None
    if not article.is_archived or is_moderator:
        discussion, discussion_html = discussion_page(
            article,
            user=request.user,
            session=request.session,
            is_moderator=is_moderator,
            page_number=request.GET.get("page"),
            discussion_open=discussion_open,
            viewer_commented=getattr(article, "viewer_commented", None),
        )
    revision = article.current_revision
    context = {
        "article": article,
        "revision": revision,
        "canonical_url": canonical_url(
            request, article.get_absolute_url(), discussion.page.number if discussion else 1
        ),
        # An archived article's text is for moderators only, and its page is gone (410).
        "description": "" if article.is_archived else html_excerpt(revision.html) or article.title,
        "awaiting_review": _awaiting_review(article),
        "can_edit": can_edit(request.user, article),
        "sign_in_to_edit": can_edit_once_signed_in(request.user, article),
        "can_move": can_move(request.user, article),
        "is_moderator": is_moderator,
        "watching": watching,
        "discussion": discussion,
        "discussion_html": discussion_html,
        "discussion_open": discussion_open,
        "comment_form": comment_form,
        "replying_to": comment_form["parent"].value(),
    }
    if article.is_archived and status == 200:
        status = 410
    return TemplateResponse(request, "wiki/article_detail.html", context, status=status).render()


def _awaiting_review(article: Article) -> bool:
    """Whether no person or check has accepted the current revision yet (noindex)."""
    awaiting = getattr(article, "awaiting_review", None)
    if awaiting is None:
        rows = Article.objects.with_review_state().filter(pk=article.pk)
        awaiting = bool(rows.values_list("awaiting_review", flat=True).first())
    return awaiting


def _article_etag(
    request: HttpRequest, stamp: ArticleStamp, *, is_moderator: bool, watching: bool
) -> str | None:
    """Everything the page shows depends on: the article's version and the viewer's state.

    None when a one-off message is waiting to be shown: that page is never reused.
    """
    if len(messages.get_messages(request)):
        return None
    session = request.session
    parts = (
        settings.COMMONS_RELEASE,
        stamp.key,
        request.user.pk,
        is_moderator,
        watching,
        sorted(request.GET.lists()),
        sorted(own_comment_ids(session)),
        sorted(commenter_initial(session).items()),
        _csrf_secret(request),
    )
    return f'"{hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()}"'


def _csrf_secret(request: HttpRequest) -> str:
    """The CSRF secret this response's forms carry: the browser's cookie, or the new one
    this response sets (so the next visit, sending it back, can get a 304)."""
    get_token(request)
    return request.META["CSRF_COOKIE"]


def _revalidate_always(response: HttpResponse) -> HttpResponse:
    """Browsers keep the page but ask each time; shared caches never keep it."""
    patch_cache_control(response, private=True, no_cache=True)
    return response


@hands_back_on_outage(
    "source", keep=("title", "summary", "is_minor", "base_number", "save", "preview")
)
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = Article.objects.with_current_revision().filter(slug=slug).first()
    if article is None and (moved := _redirect_for_old_slug(slug, "wiki:edit")) is not None:
        return moved
    if not can_edit(request.user, article):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return _cannot_change(request, article)
    creating = article is None
    current = article.current_revision if article else None
    if request.method != "POST":
        initial = {"base_number": current.number if current else None}
        if creating:
            initial["title"] = request.GET.get("title") or slug.replace("-", " ").capitalize()
        else:
            initial["source"] = current.source
        form = EditForm(initial=initial, creating=creating)
        return _render_edit(request, article, slug, form)

    form = EditForm(request.POST, creating=creating)
    if not form_body_is_utf8(request):
        form.add_error(
            None,
            "Some of the text was not valid UTF-8; the broken bytes show as �. "
            "Check the text and save again.",
        )
    if not form.is_valid():
        return _render_edit(request, article, slug, form, status=400)
    data = form.cleaned_data
    # A preview costs a render, like a save: both count against the same limit.
    if not ratelimit.allow("edits", ratelimit.identities_for(request), settings.EDITS_RATE_LIMIT):
        form.add_error(
            None,
            "You are saving faster than we allow. Nothing was lost: your text is below; "
            "please wait a minute and save again.",
        )
        return _render_edit(request, article, slug, form, status=429)
    if "preview" in request.POST:
        try:
            source = services.clean_source(data["source"])
            preview = render_markdown(source, existing_slugs=services.existing_slugs)
        except TooComplexToRender as error:
            form.add_error(None, error)
            return _render_edit(request, article, slug, form, status=400)
        except ValidationError as error:
            form.add_error("source", error)
            return _render_edit(request, article, slug, form, status=400)
        return _render_edit(request, article, slug, form, preview=preview)
    try:
        result = services.save_edit(
            slug=slug,
            title=data.get("title") or (article.title if article else ""),
            source=data["source"],
            summary=data["summary"],
            is_minor=data.get("is_minor", False),
            base_number=data["base_number"],
            contributor=contributor_for(request),
        )
    except TooComplexToRender as error:
        form.add_error(None, error)
        return _render_edit(request, article, slug, form, status=400)
    except ValidationError as error:
        form.add_error("title" if creating and not hasattr(error, "error_dict") else None, error)
        return _render_edit(request, article, slug, form, status=400)
    except services.EditConflict as conflict:
        return _render_conflict(request, conflict, data)
    except services.NothingChanged:
        messages.info(request, "Nothing changed, so no new revision was saved.")
        return redirect(article)
    except (services.ArticleArchived, services.ArticleLocked):
        article.refresh_from_db(fields=["is_locked", "archived_at"])
        return _cannot_change(request, article)
    revision = result.revision
    if result.merged:
        saved = (
            f"Someone saved changes while you were editing; yours were merged with theirs "
            f"as revision {revision.number}."
        )
    elif result.created_article:
        saved = f"Created “{revision.title}”."
    else:
        saved = f"Saved revision {revision.number}."
    messages.success(request, f"{saved} {AWAITING_REVIEW}" if result.awaiting_review else saved)
    return redirect(revision.article)


# The same words as the article page and the moderation queue ("live, awaiting review").
AWAITING_REVIEW = (
    "It is live, awaiting review: until a moderator or the spam check accepts it, search "
    "engines are asked not to index the article."
)


def _cannot_change(request: HttpRequest, article: Article) -> HttpResponse:
    """A 403 that says why the article cannot be changed, who can, and where to go instead."""
    context = {"article": article, "is_moderator": can_moderate(request.user)}
    return render(request, "wiki/article_readonly.html", context, status=403)


def _render_edit(request, article, slug, form, *, preview=None, status=200) -> HttpResponse:
    context = {"article": article, "slug": slug, "form": form, "preview": preview}
    return render(request, "wiki/article_edit.html", context, status=status)


def _render_conflict(request, conflict: services.EditConflict, data: dict) -> HttpResponse:
    current = conflict.current
    form = EditForm(
        initial={
            "source": conflict.source,
            "summary": data["summary"],
            "is_minor": data.get("is_minor", False),
            "base_number": current.number,
        },
        creating=False,
    )
    context = {
        "article": current.article,
        "current": current,
        "base_number": conflict.base_number,
        "diff": diff_texts(current.source, conflict.source),
        "form": form,
    }
    return render(request, "wiki/article_conflict.html", context, status=409)


@require_safe
def article_history(request: HttpRequest, slug: str) -> HttpResponse:
    requested = request.GET.get("page", "1")
    key, scope, copy = _anonymous_copy(request, slug, "history", requested)
    if copy:
        return copy
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        moved = _redirect_for_old_slug(slug, "wiki:history")
        if moved is None:
            raise Http404("No article at this address.")
        return moved
    if not can_read_history(request.user, article):
        return render_article_page(request, article)
    paginator = Paginator(
        article.revisions.for_history(),
        settings.WIKI_HISTORY_PAGE_SIZE,
        allow_empty_first_page=True,
    )
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "article": article,
        "page": page,
        "rows": list(page.object_list),
        "latest_id": article.current_revision_id,
        "is_moderator": can_moderate(request.user),
        "can_edit": can_edit(request.user, article),
        "sign_in_to_edit": can_edit_once_signed_in(request.user, article),
        "can_move": can_move(request.user, article),
    }
    response = render(request, "wiki/article_history.html", context)
    if key and requested == str(page.number):  # not every ?page=junk
        store_page(key, response, scope=scope)
    return response


@require_safe
def revision_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    article = get_article_or_404(slug)
    if not can_read_history(request.user, article):
        return render_article_page(request, article)
    revision = get_revision_or_404(article, number)
    context = {
        "article": article,
        "revision": revision,
        "can_read": can_read_revision(request.user, revision),
        "is_current": revision.pk == article.current_revision_id,
        "can_edit": can_edit(request.user, article),
        "sign_in_to_edit": can_edit_once_signed_in(request.user, article),
        "is_moderator": can_moderate(request.user),
    }
    return render(request, "wiki/revision_detail.html", context)


@require_safe
def revision_diff(request: HttpRequest, slug: str, a: int, b: int) -> HttpResponse:
    key, scope, copy = _anonymous_copy(request, slug, "diff", a, b)
    if copy:
        return copy
    article = get_article_or_404(slug)
    if not can_read_history(request.user, article):
        return render_article_page(request, article)
    old, new = get_sources_or_404(article, a, b)
    old_readable = can_read_revision(request.user, old)
    new_readable = can_read_revision(request.user, new)
    readable = old_readable and new_readable
    context = {
        "article": article,
        "old": old,
        "new": new,
        "old_readable": old_readable,
        "new_readable": new_readable,
        "readable": readable,
        "is_moderator": can_moderate(request.user),
        "diff": diff_texts(old.source, new.source) if readable else None,
        "left_label": f"Revision {old.number}",
        "right_label": f"Revision {new.number}",
        "can_edit": can_edit(request.user, article),
        "sign_in_to_edit": can_edit_once_signed_in(request.user, article),
    }
    response = render(request, "wiki/revision_diff.html", context)
    if key:
        store_page(key, response, scope=scope)
    return response


def _anonymous_copy(
    request: HttpRequest, slug: str, kind: str, *parts: object
) -> tuple[str | None, tuple[str, int] | None, HttpResponse | None]:
    """For an anonymous reader of a live article's page: the key of its shared copy, what
    the copy shows, and the copy when one is stored (one light query). Nones for anyone
    else."""
    if not _may_share_copy(request):
        return None, None, None
    stamp = Article.objects.stamp_of(slug)
    if stamp is None:
        return None, None, None
    key = fragment_key(kind, stamp.key, *parts)
    return key, stamp.scope, cached_page(request, key)


@require_safe
def revision_compare(request: HttpRequest, slug: str) -> HttpResponse:
    """The history page's "compare selected revisions" form lands here."""
    form = CompareForm(request.GET)
    article = get_article_or_404(slug)
    if not form.is_valid():
        messages.error(request, "Pick two revisions to compare.")
        return redirect("wiki:history", slug=article.slug)
    a, b = sorted((form.cleaned_data["a"], form.cleaned_data["b"]))
    return redirect("wiki:diff", slug=article.slug, a=a, b=b)


@require_POST
def article_revert(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    article = get_article_or_404(slug)
    if not can_edit(request.user, article):
        if request.user.is_authenticated and (article.is_locked or article.is_archived):
            return _cannot_change(request, article)
        raise PermissionDenied("You cannot edit this article.")
    try:
        revision = services.revert_article(
            article=article, number=number, contributor=contributor_for(request)
        )
    except Revision.DoesNotExist:
        raise Http404("No such revision.") from None
    except TooComplexToRender as error:
        messages.error(request, " ".join(error.messages))
        return redirect(article)
    except services.NothingChanged as nothing:
        messages.info(request, str(nothing))
        return redirect(article)
    except (services.ArticleArchived, services.ArticleLocked):
        article.refresh_from_db(fields=["is_locked", "archived_at"])
        return _cannot_change(request, article)
    messages.success(
        request, f"Reverted to revision {number}: saved as revision {revision.number}."
    )
    return redirect(article)


def _moderator_action(request: HttpRequest) -> services.Contributor:
    if not can_moderate(request.user):
        raise PermissionDenied("Only moderators can do that.")
    return contributor_for(request)


@require_POST
def article_archive(request: HttpRequest, slug: str) -> HttpResponse:
    moderator = _moderator_action(request)
    article = services.archive_article(article=get_article_or_404(slug), moderator=moderator)
    messages.success(request, f"Archived “{article.title}”. It can be restored from this page.")
    return redirect(article)


@require_POST
def article_restore(request: HttpRequest, slug: str) -> HttpResponse:
    moderator = _moderator_action(request)
    article = services.restore_article(article=get_article_or_404(slug), moderator=moderator)
    messages.success(request, f"Restored “{article.title}”.")
    return redirect(article)


@require_POST
def article_lock(request: HttpRequest, slug: str) -> HttpResponse:
    moderator = _moderator_action(request)
    locked = request.POST.get("locked") == "1"
    article = services.set_article_lock(
        article=get_article_or_404(slug), locked=locked, moderator=moderator
    )
    messages.success(request, "Locked: only moderators can edit it now." if locked else "Unlocked.")
    return redirect(article)


@require_POST
def revision_hide(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    moderator = _moderator_action(request)
    article = get_article_or_404(slug)
    revision = get_revision_or_404(article, number)
    hidden = request.POST.get("hidden") == "1"
    try:
        services.set_revision_hidden(revision=revision, hidden=hidden, moderator=moderator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Revision {number} is {'hidden from' if hidden else 'visible to'} the public."
        )
    return redirect("wiki:history", slug=article.slug)


def article_move(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_article_or_404(slug)
    if not can_move(request.user, article):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if article.is_locked or article.is_archived:
            return _cannot_change(request, article)
        raise PermissionDenied("You cannot move this article.")
    form = MoveForm(request.POST or None, initial={"title": article.title})
    if request.method == "POST" and form.is_valid():
        old_slug = article.slug
        try:
            services.move_article(
                article=article,
                new_title=form.cleaned_data["title"],
                contributor=contributor_for(request),
            )
        except ValidationError as error:
            form.add_error("title" if not hasattr(error, "error_dict") else None, error)
        except services.NothingChanged as nothing:
            form.add_error("title", str(nothing))
        except (services.ArticleArchived, services.ArticleLocked):
            article.refresh_from_db(fields=["is_locked", "archived_at"])
            return _cannot_change(request, article)
        else:
            article.refresh_from_db(fields=["slug", "title"])
            messages.success(
                request, f"Moved. /wiki/{old_slug}/ now leads to /wiki/{article.slug}/."
            )
            return redirect(article)
    status = 400 if form.errors else 200
    context = {"article": article, "form": form, "can_edit": True, "can_move": True}
    return render(request, "wiki/article_move.html", context, status=status)


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


def _comment_excerpt(html: str, length: int = 200) -> str:
    """Plain text of a comment's sanitized HTML, shortened; the template escapes it."""
    return Truncator(unescape(strip_tags(html)).strip()).chars(length)


def _with_excerpts(comments) -> list:
    rows = list(comments)
    for comment in rows:
        comment.excerpt = _comment_excerpt(comment.html)
    return rows


@require_safe
def recent_changes(request: HttpRequest) -> HttpResponse:
    """Every revision (or, ?tab=comments, every published comment) newest first.

    Anonymous readers share a copy of the first pages until anything changes; a minute
    at most, as "the last 7 days" moves on.
    """
    key = None
    params = request.GET
    if (
        is_anonymous_reader(request)
        and set(params) <= {"tab", "hideminor", "new", "page"}
        and params.get("page", "1") in RECENT_PAGES_KEPT
    ):
        changed = Article.objects.last_change()
        key = fragment_key(
            "recent", changed and changed.timestamp(), urlencode(sorted(params.items()))
        )
        copy = cached_page(request, key)
        if copy:
            return copy
    response = _render_recent_changes(request)
    if key:
        store_page(key, response, timeout=60)
    return response


RECENT_PAGES_KEPT = frozenset(str(number) for number in range(1, 11))


def _render_recent_changes(request: HttpRequest) -> HttpResponse:
    tab = "comments" if request.GET.get("tab") == "comments" else "edits"
    hide_minor = request.GET.get("hideminor") == "1"
    new_only = request.GET.get("new") == "1"
    filters = {"hideminor": "1"} if hide_minor else {}
    if new_only:
        filters["new"] = "1"
    activity = None
    if tab == "comments":
        rows = Comment.objects.for_recent_changes()
        extra_query = urlencode({"tab": "comments"})
    else:
        rows = Revision.objects.for_recent_changes()
        if hide_minor:
            rows = rows.without_minor()
        if new_only:
            rows = rows.creations()
        extra_query = urlencode(filters)
        activity = Revision.objects.activity_since(timezone.now() - timedelta(days=7))
    page = Paginator(rows, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tab": tab,
        "page": page,
        "rows": _with_excerpts(page.object_list) if tab == "comments" else page.object_list,
        "hide_minor": hide_minor,
        "new_only": new_only,
        "edits_query": urlencode(filters),
        "extra_query": extra_query,
        "activity": activity,
    }
    return render(request, "wiki/recent_changes.html", context)


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


@require_safe
def user_contributions(request: HttpRequest, username: str) -> HttpResponse:
    """A person's revisions (?tab=edits) or published comments (?tab=comments), with counts."""
    person = get_object_or_404(get_user_model(), username=username)
    tab = "comments" if request.GET.get("tab") == "comments" else "edits"
    edits = Revision.objects.by_author(person)
    comments = Comment.objects.by_author(person)
    shown, other = (comments, edits) if tab == "comments" else (edits, comments)
    page = Paginator(shown, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    shown_count, other_count = page.paginator.count, other.count()
    counts = (
        {"edits": other_count, "comments": shown_count}
        if tab == "comments"
        else {"edits": shown_count, "comments": other_count}
    )
    context = {
        "person": person,
        "tab": tab,
        "page": page,
        "rows": _with_excerpts(page.object_list) if tab == "comments" else page.object_list,
        "counts": counts,
        "extra_query": urlencode({"tab": tab}) if tab == "comments" else "",
    }
    return render(request, "wiki/user_contributions.html", context)
