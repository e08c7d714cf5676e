"""Blocks: the moderators' page (active blocks, a form to add one, unblock per row) and the
page a blocked writer sees instead of their saved text. HTTP only; moderation.blocks writes.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from moderation import blocks
from moderation.block_forms import BlockForm
from moderation.models import Block
from moderation.views import _tabs, moderators_only

# How many moderators the blocked page names (the rest are a click away on any of them).
MODERATORS_NAMED = 10


@moderators_only
def blocks_page(request: HttpRequest) -> HttpResponse:
    """Active blocks, newest first, and the form to add one (?target= prefills it); a fixed
    number of queries whatever the page."""
    if request.method == "POST":
        form = BlockForm(request.POST)
        if form.is_valid():
            try:
                block = blocks.block(
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    scope=form.cleaned_data["scope"],
                    user=form.user,
                    network=form.network,
                    expires_at=form.expires_at,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                end = block.expires_at
                ends = f"until {end.day} {end:%b %Y, %H:%M} UTC" if end else "with no end"
                messages.success(
                    request,
                    f"Blocked {block.target_label} from {block.get_scope_display()} {ends}.",
                )
                return redirect("moderation:blocks")
    else:
        form = BlockForm(initial={"target": request.GET.get("target", "")[:150]})
    active = Block.objects.active().select_related("user", "created_by")
    active = active.order_by("-created_at", "-id")
    page = Paginator(active, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tabs": _tabs("", {}),
        "on_blocks": True,
        "form": form,
        "page": page,
        "rows": list(page.object_list),
    }
    return render(request, "moderation/blocks.html", context, status=400 if form.errors else 200)


@require_POST
@moderators_only
def unblock(request: HttpRequest, pk: int) -> HttpResponse:
    block = get_object_or_404(Block.objects.select_related("user"), pk=pk)
    if block.lifted_at is not None:
        messages.info(request, f"The block of {block.target_label} was already lifted.")
    else:
        blocks.unblock(block=block, by=request.user, reason="Lifted from the blocks page")
        messages.success(request, f"Unblocked {block.target_label}.")
    return redirect("moderation:blocks")


def _moderators() -> list:
    """Who a blocked person can ask: active moderators, by name (one query)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=settings.WIKI_MODERATORS_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("username")
        .only("username")[:MODERATORS_NAMED]
    )


def blocked_response(
    request: HttpRequest, refusal: blocks.Blocked, handed_back: list[tuple[str, str]] = ()
) -> HttpResponse:
    """The 403 a blocked writer sees: what is blocked, why, by whom, until when, whom to ask,
    and `handed_back` (label, text) pairs, what they wrote, to copy. Addresses and ranges
    are never named: the page may be seen by anyone on a shared address."""
    block = refusal.block
    context = {
        "blocking": block,  # not "block": templates use that name for {% block %}
        "doing": refusal.doing,
        "account_blocked": block.user_id is not None,
        "moderators": _moderators(),
        "handed_back": [(label, text) for label, text in handed_back if text and text.strip()],
    }
    return render(request, "moderation/blocked.html", context, status=403)
