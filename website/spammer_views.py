"""Moderators' pages about one writer: what an address wrote, and "Remove spammer"
(preview, then one confirmed POST) for an account or an address. HTTP only: the work is
website.spammers."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_safe

from comments.models import Comment
from moderation.views import moderators_only
from website import spammers
from website.forms import RemoveSpammerForm
from website.listings import _with_excerpts
from wiki.models import Revision


def _address_or_404(ip: str) -> str:
    try:
        return spammers.parse_address(ip)
    except ValueError:
        raise Http404("That is not an IP address.") from None


@require_safe
@moderators_only
def address_contributions(request: HttpRequest, ip: str) -> HttpResponse:
    """What was written signed out from one address (?tab=edits or comments), newest
    first, in every state; for moderators only, as addresses are private."""
    address = _address_or_404(ip)
    if address != ip:
        return redirect("address_contributions", ip=address)
    tab = "comments" if request.GET.get("tab") == "comments" else "edits"
    spammer = spammers.Spammer(ip=address)
    edits = (
        Revision.objects.filter(spammer.authored)
        .without_text()
        .select_related("article")
        .order_by("-created_at", "-id")
    )
    comments = (
        Comment.objects.comments()
        .filter(spammer.authored)
        .select_related("article")
        .defer("body", "author_email", "user_agent", "referrer")
        .order_by("-created_at", "-id")
    )
    shown, other = (comments, edits) if tab == "comments" else (edits, comments)
    page = Paginator(shown, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {tab: page.paginator.count, "comments" if tab == "edits" else "edits": other.count()}
    context = {
        "address": address,
        "tab": tab,
        "page": page,
        "rows": _with_excerpts(page.object_list) if tab == "comments" else page.object_list,
        "counts": counts,
        "extra_query": urlencode({"tab": tab}) if tab == "comments" else "",
    }
    return render(request, "website/address_contributions.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@moderators_only
def remove_spammer_account(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(get_user_model(), username=username)
    return _remove_spammer(request, spammers.Spammer(user=person))


@require_http_methods(["GET", "HEAD", "POST"])
@moderators_only
def remove_spammer_address(request: HttpRequest, ip: str) -> HttpResponse:
    address = _address_or_404(ip)
    if address != ip:
        return redirect("remove_spammer_address", ip=address)
    return _remove_spammer(request, spammers.Spammer(ip=address))


def _remove_spammer(request: HttpRequest, spammer: spammers.Spammer) -> HttpResponse:
    """GET: what the action would change, and the form; POST: do it, then show what is
    left (nothing, or the rest past the limit of a run)."""
    context: dict[str, object] = {
        "spammer": spammer,
        "max_changes": spammers.MAX_CHANGES,
        "back_url": spammer.log_target().url,
    }
    refusal = spammers.refusal(spammer)
    if refusal:
        context["refusal"] = refusal
        return render(request, "website/remove_spammer.html", context, status=403)
    initial = {"span": "" if spammer.user is not None else "7"}
    form = RemoveSpammerForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = spammers.remove_spammer(
                spammer=spammer,
                moderator=request.user,
                reason=form.cleaned_data["reason"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at(),
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
        else:
            _say_what_was_done(request, spammer, outcome)
            return redirect(request.path)
    plan = spammers.plan_removal(spammer)
    plan.comments = _with_excerpts(plan.comments)
    context["plan"] = plan
    context["form"] = form
    context["preview_rows"] = spammers.PREVIEW_ROWS
    context["log_url"] = reverse("moderation:log")
    status = 400 if form.errors else 200
    return render(request, "website/remove_spammer.html", context, status=status)


def _say_what_was_done(
    request: HttpRequest, spammer: spammers.Spammer, outcome: spammers.Outcome
) -> None:
    if not outcome.changed:
        messages.info(request, f"Nothing was left to change for {spammer.label}.")
        return
    messages.success(request, f"Done for {spammer.label}: {outcome.describe()}.")
    for problem in outcome.not_rolled_back:
        messages.error(request, f"Not rolled back: {problem}")
    if outcome.left:
        messages.info(
            request,
            f"{outcome.left} more change{'s' if outcome.left != 1 else ''} to make: a run "
            f"makes at most {spammers.MAX_CHANGES}. Review them below and run it again.",
        )
