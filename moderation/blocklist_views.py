"""The moderators' blocklist page: the active entries, a form to add one, one-click removal,
and the queue's "add this site" buttons. HTTP only; moderation.blocklist does the work."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from moderation import blocklist
from moderation.forms import ReturnToForm
from moderation.models import BlocklistAction, BlocklistEntry, BlocklistKind
from moderation.views import _queue_url, _tabs, moderators_only


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind",
        choices=BlocklistKind.choices,
        initial=BlocklistKind.URL,
        widget=forms.RadioSelect,
    )
    pattern = forms.CharField(
        label="Site or words",
        max_length=300,
        help_text=(
            "A site: spam.example blocks links to it and every subdomain; "
            "spam.example/promo only that path and what is under it. "
            "Words: matched as whole words, whatever their case."
        ),
        error_messages={"required": "Give a site or a word to list."},
    )
    action = forms.ChoiceField(
        label="When new content matches",
        choices=BlocklistAction.choices,
        initial=BlocklistAction.REFUSE,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Note for moderators",
        max_length=500,
        required=False,
        help_text="Shown in the list and the log, never to writers.",
    )


class AddSiteForm(ReturnToForm):
    """One of the queue's "add this site" buttons: the host, and where to go back to."""

    host = forms.CharField(max_length=260)


def _page(request: HttpRequest, form: EntryForm, *, status: int = 200) -> HttpResponse:
    entries = (
        BlocklistEntry.objects.active().select_related("added_by").order_by("-created_at", "-pk")
    )
    page = Paginator(entries, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tabs": _tabs("", {}),
        "on_blocklist": True,
        "page": page,
        "entries": list(page.object_list),
        "form": form,
        "max_entries": blocklist.MAX_ENTRIES_PER_KIND,
    }
    return render(request, "moderation/blocklist.html", context, status=status)


@require_safe
@moderators_only
def blocklist_page(request: HttpRequest) -> HttpResponse:
    """The active entries, newest first, paginated; a fixed number of queries per page."""
    return _page(request, EntryForm())


@require_POST
@moderators_only
def add_entry(request: HttpRequest) -> HttpResponse:
    form = EntryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            entry = blocklist.add_entry(
                by=request.user,
                kind=data["kind"],
                pattern=data["pattern"],
                action=data["action"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error("pattern", error)
        else:
            messages.success(request, f"Added “{entry.pattern}” to the blocklist.")
            return redirect("moderation:blocklist")
    return _page(request, form, status=400)


@require_POST
@moderators_only
def remove_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(BlocklistEntry, pk=pk)
    was_active = entry.removed_at is None
    blocklist.remove_entry(entry=entry, by=request.user)
    if was_active:
        messages.success(request, f"Removed “{entry.pattern}” from the blocklist.")
    else:
        messages.info(request, f"“{entry.pattern}” was already off the blocklist.")
    return redirect("moderation:blocklist")


@require_POST
@moderators_only
def add_site_from_queue(request: HttpRequest) -> HttpResponse:
    """Add the site of a link in a spam item to the list (refusing), and go back to the
    queue where the moderator was."""
    form = AddSiteForm(request.POST)
    form.is_valid()
    host = form.cleaned_data.get("host", "")
    try:
        if not host:
            raise ValidationError("No site was given.")
        entry = blocklist.add_entry(
            by=request.user,
            kind=BlocklistKind.URL,
            pattern=host,
            action=BlocklistAction.REFUSE,
            reason="Linked from spam; added from the queue",
        )
    except ValidationError as error:
        messages.error(request, f"Nothing was added: {' '.join(error.messages)}")
    else:
        messages.success(
            request,
            f"Added {entry.pattern} to the blocklist: new links to it are refused. "
            "Moderators can remove it on the blocklist page.",
        )
    return redirect(_queue_url(form.return_query()))
