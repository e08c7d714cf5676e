"""Editing an article: the form, its preview, saving, the conflict screen, and undoing one
revision (the edit form, holding the current text with that revision's change taken out)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from commons import ratelimit
from commons.http import form_body_is_utf8
from commons.outage import hands_back_on_outage
from wiki import services
from wiki.diffs import diff_texts
from wiki.forms import EditForm
from wiki.markup import TooComplexToRender, render_markdown
from wiki.models import Revision
from wiki.permissions import get_article_for_edit_or_404
from wiki.views.common import answers_refusals, cannot_change, contributor_for


@hands_back_on_outage(
    "source", keep=("title", "summary", "is_minor", "base_number", "undo_of", "save", "preview")
)
@answers_refusals()
def article_edit(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_article_for_edit_or_404(request.user, slug, may_create=True)
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
            undo_of=data.get("undo_of"),
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
        return cannot_change(request, article)
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


@require_safe
@answers_refusals()
def article_undo(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The edit page with revision `number`'s change taken out of the current text; the
    editor reviews it and saves through article_edit, from the current revision."""
    article = get_article_for_edit_or_404(request.user, slug)
    try:
        undo = services.prepare_undo(
            article=article, number=number, contributor=contributor_for(request)
        )
    except Revision.DoesNotExist:
        raise Http404("No such revision.") from None
    except services.NothingToUndo as nothing:
        messages.info(request, str(nothing))
        return redirect("wiki:history", slug=article.slug)
    form = EditForm(
        initial={
            "source": undo.source,
            "summary": undo.summary,
            "base_number": undo.base_number,
            "undo_of": number,
        },
        creating=False,
    )
    context = {
        "undo": undo,
        "form_action": reverse("wiki:edit", kwargs={"slug": article.slug}),
        "changes": diff_texts(article.current_revision.source, undo.source),
    }
    return _render_edit(request, article, article.slug, form, extra=context)


# The same words as the article page and the moderation queue ("live, awaiting review").
AWAITING_REVIEW = (
    "It is live, awaiting review: until a moderator or the spam check accepts it, search "
    "engines are asked not to index the article."
)


def _render_edit(
    request, article, slug, form, *, preview=None, status=200, extra=None
) -> HttpResponse:
    context = {"article": article, "slug": slug, "form": form, "preview": preview, **(extra or {})}
    return render(request, "wiki/article_edit.html", context, status=status)


def _render_conflict(request, conflict: services.EditConflict, data: dict) -> HttpResponse:
    current = conflict.current
    form = EditForm(
        initial={
            "source": conflict.source,
            "summary": data["summary"],
            "is_minor": data.get("is_minor", False),
            "base_number": current.number,
            "undo_of": data.get("undo_of"),
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
