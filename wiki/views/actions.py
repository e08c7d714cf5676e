"""Acting on a whole article or revision: the moderators' archive, restore, lock and hide,
and moving (renaming) an article."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commons.roles import require_moderator
from wiki import services
from wiki.forms import MoveForm, posted_reason
from wiki.permissions import get_article_for_move_or_404, get_article_or_404, get_revision_or_404
from wiki.views.common import answers_refusals, cannot_change, contributor_for


@require_POST
def article_archive(request: HttpRequest, slug: str) -> HttpResponse:
    require_moderator(request.user)
    article = services.archive_article(
        article=get_article_or_404(slug),
        moderator=contributor_for(request),
        reason=posted_reason(request.POST),
    )
    messages.success(request, f"Archived “{article.title}”. It can be restored from this page.")
    return redirect(article)


@require_POST
def article_restore(request: HttpRequest, slug: str) -> HttpResponse:
    require_moderator(request.user)
    article = services.restore_article(
        article=get_article_or_404(slug),
        moderator=contributor_for(request),
        reason=posted_reason(request.POST),
    )
    messages.success(request, f"Restored “{article.title}”.")
    return redirect(article)


@require_POST
def article_lock(request: HttpRequest, slug: str) -> HttpResponse:
    require_moderator(request.user)
    locked = request.POST.get("locked") == "1"
    article = services.set_article_lock(
        article=get_article_or_404(slug),
        locked=locked,
        moderator=contributor_for(request),
        reason=posted_reason(request.POST),
    )
    messages.success(request, "Locked: only moderators can edit it now." if locked else "Unlocked.")
    return redirect(article)


@require_POST
def revision_hide(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    require_moderator(request.user)
    article = get_article_or_404(slug)
    revision = get_revision_or_404(article, number)
    hidden = request.POST.get("hidden") == "1"
    try:
        services.set_revision_hidden(
            revision=revision,
            hidden=hidden,
            moderator=contributor_for(request),
            reason=posted_reason(request.POST),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"Revision {number} is {'hidden from' if hidden else 'visible to'} the public."
        )
    return redirect("wiki:history", slug=article.slug)


@answers_refusals()
def article_move(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_article_for_move_or_404(request.user, slug)
    form = MoveForm(request.POST or None, initial={"title": article.title})
    if request.method == "POST" and form.is_valid():
        old_slug = article.slug
        try:
            services.move_article(
                article=article,
                new_title=form.cleaned_data["title"],
                contributor=contributor_for(request),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error("title" if not hasattr(error, "error_dict") else None, error)
        except services.NothingChanged as nothing:
            form.add_error("title", str(nothing))
        except (services.ArticleArchived, services.ArticleLocked):
            article.refresh_from_db(fields=["is_locked", "archived_at"])
            return cannot_change(request, article)
        else:
            article.refresh_from_db(fields=["slug", "title"])
            messages.success(
                request, f"Moved. /wiki/{old_slug}/ now leads to /wiki/{article.slug}/."
            )
            return redirect(article)
    status = 400 if form.errors else 200
    context = {"article": article, "form": form, "can_edit": True, "can_move": True}
    return render(request, "wiki/article_move.html", context, status=status)
