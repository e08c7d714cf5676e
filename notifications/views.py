"""Watching and e-mail links: HTTP only. Parse, authorize, call one service, respond."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from commons.http import safe_next
from notifications import watching
from notifications.models import Watch
from notifications.tokens import BadToken, read_unsubscribe_token, subscription_for_token
from wiki.permissions import get_article_or_404


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def toggle_watch(request: HttpRequest, slug: str) -> HttpResponse:
    """GET shows whether the user watches the article, with the star; POST toggles it."""
    article = get_article_or_404(slug)
    if request.method != "POST":
        context = {
            "article": article,
            "watching": watching.is_watching(user=request.user, article=article),
            "mailable": watching.has_verified_address(user=request.user),
        }
        return render(request, "notifications/article_watch.html", context)
    if watching.toggle_watch(user=request.user, article=article):
        # Nothing promises mail that cannot be sent: it goes to verified addresses only.
        if watching.has_verified_address(user=request.user):
            how = "edits are e-mailed to you"
        else:
            how = "you will see edits in your notifications; add a verified address to get e-mail"
        messages.success(request, f"You are watching “{article.title}”: {how}.")
    else:
        messages.success(request, f"You no longer watch “{article.title}”.")
    return redirect(safe_next(request, request.POST.get("next"), article.get_absolute_url()))


@login_required
@require_safe
def watchlist(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(Watch.objects.for_user(request.user), settings.WIKI_LISTING_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "mailable": watching.has_verified_address(user=request.user)}
    return render(request, "notifications/watchlist.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners follow links), POST unsubscribes; no sign-in needed."""
    try:
        target = read_unsubscribe_token(token)
    except BadToken as error:
        return render(request, "notifications/bad_link.html", {"error": error}, status=400)
    if request.method == "POST":
        watching.unsubscribe(token=token)
        return render(request, "notifications/unsubscribed.html", {"target": target})
    return render(request, "notifications/unsubscribe_confirm.html", {"target": target})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Double opt-in: GET shows a button, POST confirms."""
    try:
        subscription = subscription_for_token(token)
    except BadToken as error:
        return render(request, "notifications/bad_link.html", {"error": error}, status=400)
    confirmed = False
    if request.method == "POST":
        subscription = watching.confirm_subscription(token=token)
        confirmed = True
    context = {"subscription": subscription, "article": subscription.comment.article}
    context["confirmed"] = confirmed
    return render(request, "notifications/subscription_confirm.html", context)
