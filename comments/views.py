"""Discussion pages: HTTP only. Parse, authorize, call one service, respond."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from comments import services
from comments.avatars import identicon_svg
from comments.discussion import discussion_pages, remember_commenter, remember_own_comment
from comments.events import RepliesWanted
from comments.forms import CommentEditForm, CommentForm
from comments.models import Comment
from comments.permissions import get_comment_for_change_or_404
from commons import events, ratelimit
from commons.http import client_ip
from commons.outage import hands_back_on_outage
from moderation import services as moderation
from moderation.block_views import blocked_response
from moderation.blocks import Blocked
from moderation.forms import FlagForm
from moderation.states import Status
from wiki.pages import render_article_page
from wiki.permissions import can_moderate, get_article_or_404

TOO_FAST = (
    "You are posting faster than we allow. Nothing was lost: your text is below; "
    "please wait a minute and post it again."
)


@hands_back_on_outage(
    "body",
    keep=("parent", "submission_key", "name", "email", "website", "notify", "homepage"),
)
@require_POST
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_article_or_404(slug)
    anonymous = not request.user.is_authenticated
    form = CommentForm(request.POST, anonymous=anonymous)
    if "preview" in request.POST:
        return _preview(request, article, form)
    if form.is_valid() and not ratelimit.allow(
        "comments", ratelimit.identities_for(request), settings.COMMENTS_RATE_LIMIT
    ):
        form.add_error(None, TOO_FAST)
        return render_article_page(request, article, status=429, section_state={"discussion": form})
    if form.is_valid():
        data = form.cleaned_data
        author = services.CommentAuthor(
            user=None if anonymous else request.user,
            name=data.get("name", ""),
            email=data.get("email", ""),
            url=data.get("website", ""),
            ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            referrer=request.META.get("HTTP_REFERER", ""),
        )
        try:
            comment = services.post_comment(
                article=article,
                body=data["body"],
                author=author,
                parent_id=data["parent"],
                submission_key=data["submission_key"],
                caught_by_honeypot=bool(data["homepage"]),
            )
        except ValidationError as error:
            field_errors = getattr(error, "error_dict", {})
            form.add_error("body" if "body" in field_errors else None, error.messages)
        except Blocked as refusal:
            return blocked_response(request, refusal, [("Your comment", data["body"])])
        else:
            if anonymous:
                remember_commenter(request.session, author)
                remember_own_comment(request.session, comment)
                if data.get("notify") and comment.status != "spam":
                    events.announce(RepliesWanted(comment_id=comment.pk, email=author.email))
            if comment.status == "published":
                messages.success(request, "Your comment is posted.")
            else:
                messages.info(
                    request,
                    "Thank you! Your comment is awaiting moderation; only you can see it now.",
                )
            return redirect(comment.get_absolute_url())
    return render_article_page(request, article, status=400, section_state={"discussion": form})


def _preview(request: HttpRequest, article, form: CommentForm) -> HttpResponse:
    """The article page with the text rendered as it would be posted, above the form that
    keeps it; nothing is saved. Only the text is checked: the name and e-mail may wait."""
    form.is_valid()
    for name in ("name", "email", "website"):
        form.errors.pop(name, None)
    if "body" not in form.errors:
        try:
            form.preview = services.preview_comment(
                body=form.cleaned_data["body"],
                writer=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as error:
            form.add_error("body", error.messages)
    status = 400 if form.errors else 200
    return render_article_page(request, article, status=status, section_state={"discussion": form})


@require_safe
def permalink(request: HttpRequest, pk: int) -> HttpResponse:
    """/comments/<id>/ leads to the comment on its article's page (the right page of threads)."""
    comment = get_object_or_404(Comment.objects.comments().select_related("article"), pk=pk)
    pages = discussion_pages(comment.article)
    page = next(n for n, (lft, rght) in enumerate(pages, 1) if lft <= comment.lft <= rght)
    url = comment.article.get_absolute_url()
    if page > 1:
        url += f"?page={page}"
    return redirect(f"{url}#comment-{comment.pk}")


@hands_back_on_outage("body")
def edit_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_change_or_404(request.user, pk)
    if comment.is_removed:
        raise Http404("This comment was removed.")
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and "preview" in request.POST and form.is_valid():
        try:
            form.preview = services.preview_comment(
                body=form.cleaned_data["body"], writer=request.user, old_body=comment.body
            )
        except ValidationError as error:
            form.add_error("body", error.messages)
    elif request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(
                comment=comment,
                body=form.cleaned_data["body"],
                editor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("body", error)
        except Blocked as refusal:
            body = form.cleaned_data["body"]
            return blocked_response(request, refusal, [("Your comment", body)])
        else:
            if Comment.objects.filter(pk=comment.pk, status=Status.PENDING).exists():
                messages.success(
                    request,
                    "Your changes are saved. The comment is awaiting moderation again; "
                    "only you can see it until it is checked.",
                )
            else:
                messages.success(request, "Your changes to the comment are saved.")
            return redirect(comment.get_absolute_url())
    edits = list(comment.edits.all()) if can_moderate(request.user) else []
    context = {"comment": comment, "form": form, "edits": edits}
    return render(
        request, "comments/comment_edit.html", context, status=400 if form.errors else 200
    )


def remove_comment(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_comment_for_change_or_404(request.user, pk)
    if request.method == "POST":
        services.remove_comment(comment=comment, by=request.user)
        messages.success(request, "The comment is removed; replies to it stay in place.")
        return redirect(comment.get_absolute_url())
    return render(request, "comments/comment_remove.html", {"comment": comment})


def flag_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Any reader flags a published comment once, with a reason; enough flags hide it."""
    comment = get_object_or_404(Comment.objects.published().select_related("article"), pk=pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.is_authenticated:
            reporter, reporter_key = request.user, f"user:{request.user.pk}"
        else:
            # By address: dropping cookies must not make one reader count as several.
            reporter, reporter_key = None, f"ip:{client_ip(request)}"
        try:
            flagged = moderation.flag(
                content=comment,
                reporter=reporter,
                reporter_key=reporter_key,
                reason=form.cleaned_data["reason"],
                ip=client_ip(request),
            )
        except Blocked as refusal:
            reason = form.cleaned_data["reason"]
            return blocked_response(request, refusal, [("Your reason for flagging", reason)])
        if flagged:
            messages.success(request, "Thank you: moderators will look at this comment.")
        else:
            messages.info(request, "You already flagged this comment.")
        return redirect(comment.get_absolute_url())
    context = {
        "comment": comment,
        "form": form,
        "flags_to_hide": settings.MODERATION_FLAGS_TO_HIDE,
    }
    status = 400 if form.errors else 200
    return render(request, "comments/comment_flag.html", context, status=status)


@require_safe
@cache_control(max_age=60 * 60 * 24 * 30, public=True)
def avatar(request: HttpRequest, key: str) -> HttpResponse:
    return HttpResponse(identicon_svg(key), content_type="image/svg+xml")
