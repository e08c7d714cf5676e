"""An article's history: its revisions, one revision, diffs between two, revert and
rollback."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from commons import ratelimit
from moderation import log as moderation_log
from moderation.models import LogAction, TargetKind
from wiki import services
from wiki.diffs import diff_texts
from wiki.forms import CompareForm, posted_reason
from wiki.markup import TooComplexToRender
from wiki.models import Article, Revision
from wiki.pages import article_page_copy, log_url_for, render_article_page
from wiki.permissions import (
    can_edit,
    can_edit_once_signed_in,
    can_moderate,
    can_move,
    can_read_history,
    can_read_revision,
    can_roll_back,
    get_article_for_revert_or_404,
    get_article_for_rollback_or_404,
    get_article_or_404,
    get_revision_or_404,
    get_sources_or_404,
)
from wiki.views.common import (
    answers_refusals,
    cannot_change,
    contributor_for,
    redirect_for_old_slug,
)


@require_safe
def article_history(request: HttpRequest, slug: str) -> HttpResponse:
    requested = request.GET.get("page", "1")
    copy = article_page_copy(request, slug, "history", requested)
    served = copy.served(request)
    if served:
        return served
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        moved = redirect_for_old_slug(slug, "wiki:history")
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
        # Only signed-in viewers may: never in the copy anonymous readers share.
        "can_roll_back": can_roll_back(request.user, article),
    }
    response = render(request, "wiki/article_history.html", context)
    return copy.keep(response, store=requested == str(page.number))  # not every ?page=junk


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
    if revision.is_hidden and context["is_moderator"]:
        context["hidden_entry"] = moderation_log.latest(
            LogAction.HIDE, kind=TargetKind.REVISION, target_id=revision.pk
        )
        context["log_url"] = log_url_for(TargetKind.ARTICLE, article.pk)
    return render(request, "wiki/revision_detail.html", context)


@require_safe
def revision_diff(request: HttpRequest, slug: str, a: int, b: int) -> HttpResponse:
    copy = article_page_copy(request, slug, "diff", a, b)
    served = copy.served(request)
    if served:
        return served
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
        "is_one_change": old.number == new.number - 1,
        "can_roll_back": can_roll_back(request.user, article),
    }
    return copy.keep(render(request, "wiki/revision_diff.html", context))


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
@answers_refusals(sign_in=False)
def article_revert(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    article = get_article_for_revert_or_404(request.user, slug)
    try:
        revision = services.revert_article(
            article=article,
            number=number,
            contributor=contributor_for(request),
            reason=posted_reason(request.POST),
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
        return cannot_change(request, article)
    messages.success(
        request, f"Reverted to revision {number}: saved as revision {revision.number}."
    )
    return redirect(article)


@require_POST
@answers_refusals(sign_in=False)
def article_rollback(request: HttpRequest, slug: str) -> HttpResponse:
    """One click: the current author's run of latest edits reverted (services.rollback_article).
    `revision` is the revision the viewer saw as current."""
    article = get_article_for_rollback_or_404(request.user, slug)
    seen = request.POST.get("revision", "")
    seen_number = int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 10 else None
    if not ratelimit.allow("edits", ratelimit.identities_for(request), settings.EDITS_RATE_LIMIT):
        messages.error(
            request,
            "You are saving faster than we allow. Nothing was rolled back: please wait "
            "a minute and try again.",
        )
        return redirect("wiki:history", slug=article.slug)
    try:
        revision = services.rollback_article(
            article=article,
            contributor=contributor_for(request),
            seen_number=seen_number,
            reason=posted_reason(request.POST),
        )
    except TooComplexToRender as error:
        messages.error(request, " ".join(error.messages))
        return redirect("wiki:history", slug=article.slug)
    except (services.NothingToRollBack, services.NothingChanged) as nothing:
        messages.info(request, str(nothing))
        return redirect("wiki:history", slug=article.slug)
    except (services.ArticleArchived, services.ArticleLocked):
        article.refresh_from_db(fields=["is_locked", "archived_at"])
        return cannot_change(request, article)
    messages.success(request, f"{revision.summary}: saved as revision {revision.number}.")
    return redirect(article)
