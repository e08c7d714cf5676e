"""Watching, notices, channel choices and e-mail links: HTTP only. Parse, authorize, call
one service, respond."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commons.http import safe_next
from notifications import notices, watching
from notifications.forms import ChannelsForm, MarkReadForm
from notifications.models import DEFAULT_CHANNELS, Notice, NoticeKind, Preference, Watch
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
            how = "you will hear of its edits and comments here and by e-mail"
        else:
            how = (
                "you will hear of its edits and comments in your notifications; "
                "add a verified address to get e-mail too"
            )
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


@login_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    """A person's notices, newest first, grouped on each page (notices.group_notices)."""
    paginator = Paginator(
        Notice.objects.for_recipient(request.user), settings.WIKI_LISTING_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    groups = notices.group_notices(page.object_list)
    return render(request, "notifications/notice_list.html", {"page": page, "groups": groups})


@login_required
@require_safe
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice's link: it (and its group) is marked read on the way. A GET, so the
    link opens like any other; it changes only the viewer's own read marks."""
    notice = notices.open_notice(user=request.user, notice_id=pk)
    if notice is None:
        raise Http404("You have no such notice.")
    grouped = request.GET.get("group") and notice.kind in notices.GROUPED and notice.article
    target = notices.group_target(notice) if grouped else notice.url
    return redirect(safe_next(request, target, reverse("notifications:list")))


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    """Mark read the notices named (one, a group), or all of them."""
    form = MarkReadForm(request.POST)
    back = safe_next(request, request.POST.get("next"), reverse("notifications:list"))
    if not form.is_valid():
        error = " ".join(form.errors.get("__all__", []) + form.errors.get("ids", []))
        context = {"error": error, "back": back}
        return render(request, "notifications/mark_read_refused.html", context, status=400)
    ids = None if form.cleaned_data["all"] else form.cleaned_data["ids"]
    changed = notices.mark_read(user=request.user, notice_ids=ids)
    messages.success(request, f"{changed} notice{'s' if changed != 1 else ''} marked read.")
    return redirect(back)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Where each kind of notice reaches the person: in the site, by e-mail, both, none."""
    saved = Preference.objects.filter(user=request.user).first()
    initial = {
        kind: saved.channel(kind) if saved else DEFAULT_CHANNELS[kind] for kind in NoticeKind.values
    }
    form = ChannelsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notices.set_channels(user=request.user, channels=form.cleaned_data)
        messages.success(request, "Your choices are saved.")
        return redirect("notifications:preferences")
    address = notices.verified_addresses(user_ids=[request.user.pk]).get(request.user.pk)
    unverified = not address and EmailAddress.objects.filter(user=request.user).exists()
    context = {"form": form, "address": address, "unverified": unverified}
    return render(
        request, "notifications/preferences.html", context, status=400 if form.errors else 200
    )
