"""The moderators' pages: the queue, its actions and the log. HTTP only.

Each page reads a fixed number of queries whatever its length: cases come with their
events and flags prefetched, their contents through the GenericForeignKey, and what each
adapter's summary() reads through its prefetch() hook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from commons.http import safe_next
from commons.roles import require_moderator
from moderation import blocklist, registry, services
from moderation import log as moderation_log
from moderation.forms import (
    QUEUE_SORTS,
    QUEUE_TABS,
    BulkActionForm,
    LogFilterForm,
    ReturnToForm,
    default_sort,
)
from moderation.models import (
    CheckState,
    Flag,
    LogAction,
    LogEntry,
    ModerationCase,
    ModerationEvent,
    ReviewReason,
)
from moderation.registry import Summary, adapter_for, prefetch_for_summaries
from moderation.states import IllegalMove, Status
from moderation.trust import Standing, standings


@dataclass(frozen=True)
class Action:
    service: Callable[..., ModerationCase]
    done: str  # "... cannot be {done}"
    success: str  # with "{}": what was acted on


ACTIONS: dict[str, Action] = {
    "approve": Action(services.approve, "approved", "Approved {}."),
    "spam": Action(services.mark_spam, "marked as spam", "Marked {} as spam."),
}


def moderators_only(view):
    """Anonymous visitors go to the login page; signed-in non-moderators get a 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            # After logging in, a POST-only address would answer 405: go to the queue.
            next_url = request.get_full_path() if request.method == "GET" else _queue_url({})
            return redirect_to_login(next_url)
        require_moderator(request.user)
        return view(request, *args, **kwargs)

    return wrapped


def _tab_cases(tab: str, *, kind: str, sort: str) -> QuerySet[ModerationCase]:
    """The tab's cases of `kind` ("" for all) in the chosen order ("oldest" or "newest":
    by when they came in, or, on the decided tab, by when they were decided)."""
    cases = ModerationCase.objects.all()
    if kind:
        cases = cases.of_kind(kind)
    if tab == "spam":
        cases = cases.spam()
    elif tab == "discarded":
        cases = cases.discarded()
    elif tab == "decided":
        cases = cases.recently_decided()
    else:
        cases = cases.needs_review()
    field = "decided_at" if tab == "decided" else "created_at"
    order = (field, "id") if sort == "oldest" else (f"-{field}", "-id")
    return cases.order_by(*order)


def _for_queue(cases: QuerySet[ModerationCase]) -> QuerySet[ModerationCase]:
    """Everything one page of the queue shows, in a fixed number of queries."""
    return cases.select_related("content_type", "decided_by").prefetch_related(
        Prefetch(
            "events",
            queryset=ModerationEvent.objects.select_related("actor").order_by("created_at", "id"),
        ),
        Prefetch("flags", queryset=Flag.objects.select_related("reporter").order_by("created_at")),
        "content",
    )


@dataclass
class QueueItem:
    case: ModerationCase
    summary: Summary | None
    events: list[ModerationEvent] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    standing: Standing | None = None  # the author's, None for anonymous writers
    sites: list[str] = field(default_factory=list)  # its links' sites, for the blocklist

    @property
    def can_approve(self) -> bool:
        return Status.PUBLISHED in services.offered_decisions(self.case)

    @property
    def can_mark_spam(self) -> bool:
        return Status.SPAM in services.offered_decisions(self.case)

    @property
    def status_label(self) -> str:
        """The badge: live content no one has accepted yet says so, as its page does."""
        case = self.case
        if (
            case.status == Status.PUBLISHED
            and case.state in (CheckState.QUEUED, CheckState.NEEDS_REVIEW)
            and case.review_reason != ReviewReason.FLAGGED
        ):
            return "live, awaiting review"
        return case.get_status_display()

    @property
    def label(self) -> str:
        return _describe(self.case, self.summary)


def _summaries(cases: list[ModerationCase]) -> dict[int, Summary | None]:
    """Each case's summary, with every adapter's related rows loaded in bulk first."""
    prefetch_for_summaries(case.content for case in cases)
    return {
        case.pk: adapter_for(case.content).summary(case.content) if case.content else None
        for case in cases
    }


def _describe(case: ModerationCase, summary: Summary | None) -> str:
    if summary is None:
        return f"{case.content_type.name} #{case.object_id}"
    return f"the {summary.kind} by {summary.author_name} on “{summary.title}”"


def _tabs(
    current: str, counts: dict[str, int], where: ReturnToForm | None = None
) -> list[dict[str, object]]:
    """The queue's tabs; each keeps the kind filter of `where`, in its own default order."""
    if where is None:
        where = ReturnToForm({})
        where.is_valid()
    return [
        {
            "key": key,
            "label": label,
            "count": counts.get(key),
            "current": key == current,
            "url": _queue_url(where.filter_query(tab=key, sort=default_sort(key))),
        }
        for key, label in QUEUE_TABS.items()
    ]


def _queue_url(query: dict[str, object]) -> str:
    url = reverse("moderation:queue")
    return f"{url}?{urlencode(query)}" if query else url


@require_safe
@moderators_only
def queue(request: HttpRequest) -> HttpResponse:
    """One tab of the queue, filtered by kind and ordered as asked (bad values: defaults),
    each item with its author's standing; a fixed number of queries whatever the page."""
    where = ReturnToForm(request.GET)
    where.is_valid()
    tab, kind, sort = where.tab_key, where.kind_key, where.sort_key
    cases = _for_queue(_tab_cases(tab, kind=kind, sort=sort))
    page = Paginator(cases, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    summaries = _summaries(cases)
    by_author = standings(summary.author for summary in summaries.values() if summary)
    sites = _sites(cases, summaries, own=request.get_host())
    items = [
        QueueItem(
            case=case,
            summary=summaries[case.pk],
            events=list(case.events.all()),
            flags=list(case.flags.all()),
            standing=_standing_of(summaries[case.pk], by_author),
            sites=sites.get(case.pk, []),
        )
        for case in cases
    ]
    counts = {
        "review": ModerationCase.objects.needs_review().count(),
        "spam": ModerationCase.objects.spam().count(),
        "discarded": ModerationCase.objects.discarded().count(),
    }
    kinds = registry.kinds()
    context = {
        "tab": tab,
        "tab_label": QUEUE_TABS[tab],
        "tabs": _tabs(tab, counts, where),
        "kind": kind,
        "kind_label": kinds.get(kind, ""),
        "kinds": kinds,
        "sort": sort,
        "sorts": QUEUE_SORTS,
        "page": page,
        "items": items,
        "extra_query": urlencode(where.filter_query()),
        "all_kinds_url": _queue_url(where.filter_query(kind="")),
        "moderation_waiting": counts["review"],  # the header's count, not counted twice
    }
    return render(request, "moderation/queue.html", context)


def _sites(
    cases: list[ModerationCase], summaries: dict[int, Summary | None], *, own: str
) -> dict[int, list[str]]:
    """For each case that is spam or may be marked spam, the sites of the links it added,
    for the "add to the blocklist" buttons (one query for the edits' earlier texts)."""
    spam = [
        case
        for case in cases
        if summaries[case.pk] and Status.SPAM in {case.status, *services.offered_decisions(case)}
    ]
    texts = registry.link_texts_for(case.content for case in spam)
    return blocklist.suggested_hosts(
        {
            case.pk: texts.get((type(case.content), case.object_id), (summaries[case.pk].html, ""))
            for case in spam
        },
        own=[own],
    )


def _standing_of(summary: Summary | None, by_author: dict[int, Standing]) -> Standing | None:
    author = summary.author if summary else None
    return by_author.get(author.pk) if author is not None else None


def _act(request: HttpRequest, case: ModerationCase, action: str) -> bool:
    """Call the action's service on one case; an illegal move becomes a message."""
    try:
        ACTIONS[action].service(case=case, moderator=request.user)
    except IllegalMove as error:
        case.refresh_from_db(fields=["status"])
        why = (
            "it was removed; restore it from its page first"
            if case.status == Status.REMOVED
            else str(error)
        )
        summary = _summaries([case])[case.pk]
        messages.error(
            request,
            f"Nothing changed: {_describe(case, summary)} cannot be {ACTIONS[action].done}: {why}.",
        )
        return False
    return True


def _one(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = get_object_or_404(ModerationCase.objects.select_related("content_type"), pk=pk)
    back = ReturnToForm(request.POST)
    back.is_valid()
    if _act(request, case, action):
        summary = _summaries([case])[case.pk]
        messages.success(request, ACTIONS[action].success.format(_describe(case, summary)))
    return redirect(_queue_url(back.return_query()))


@require_POST
@moderators_only
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _one(request, pk, "approve")


@require_POST
@moderators_only
def mark_spam(request: HttpRequest, pk: int) -> HttpResponse:
    return _one(request, pk, "spam")


@require_POST
@moderators_only
def patrol(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark live content checked as it stands (recent changes' "Mark checked"), then go
    back where the moderator was (a local address only)."""
    case = get_object_or_404(ModerationCase.objects.select_related("content_type"), pk=pk)
    back = safe_next(request, request.POST.get("next"), f"{reverse('recent')}?unchecked=1")
    try:
        done = services.patrol(case=case, moderator=request.user)
    except IllegalMove as error:
        summary = _summaries([case])[case.pk]
        messages.error(
            request,
            f"Nothing changed: {_describe(case, summary)} cannot be marked checked: {error}.",
        )
        return redirect(back)
    summary = _summaries([case])[case.pk]
    if done:
        messages.success(request, f"Marked {_describe(case, summary)} checked.")
    else:
        messages.info(request, f"{_describe(case, summary).capitalize()} was already checked.")
    return redirect(back)


@require_POST
@moderators_only
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkActionForm(request.POST)
    form.is_valid()
    # Only what to do and to what can stop the action; a bad tab, kind or order is dropped.
    if "action" in form.errors or "cases" in form.errors:
        for name in ("action", "cases"):
            for error in form.errors.get(name, []):
                messages.error(request, error)
        return redirect(_queue_url(form.return_query()))
    action = form.cleaned_data["action"]
    succeeded = sum(_act(request, case, action) for case in form.cleaned_data["cases"])
    if succeeded:
        noun = "1 item" if succeeded == 1 else f"{succeeded} items"
        messages.success(request, ACTIONS[action].success.format(noun))
    return redirect(_queue_url(form.return_query()))


@dataclass(frozen=True)
class LogRow:
    event: ModerationEvent
    summary: Summary | None


LOG_TABS: dict[str, str] = {"": "Moderators' actions", "moves": "Spam checks and content moves"}


@require_safe
@moderators_only
def log(request: HttpRequest) -> HttpResponse:
    """The moderators' log (LogEntry), newest first, filtered by action, moderator and
    target; ?tab=moves lists every move of content instead (Akismet's too). A fixed
    number of queries whatever the page."""
    tab = "moves" if request.GET.get("tab") == "moves" else ""
    if tab == "moves":
        return _content_moves(request)
    filters = LogFilterForm(request.GET).filters()
    entries = LogEntry.objects.select_related("actor").order_by("-created_at", "-id")
    if "action" in filters:
        entries = entries.filter(action=filters["action"])
    if "moderator" in filters:
        entries = entries.filter(actor__username__iexact=filters["moderator"])
    if "target_kind" in filters:
        entries = entries.filter(moderation_log.about(filters["target_kind"], filters["target_id"]))
    if "q" in filters:
        entries = entries.filter(target_label__icontains=filters["q"])
    page = Paginator(entries, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    about = ""
    if "target_kind" in filters:
        # The target as its newest entry names it (no query of its own).
        named = [row for row in rows if row.target_kind == filters["target_kind"]]
        about = (
            named[0].target_label if named else f"{filters['target_kind']} {filters['target_id']}"
        )
    context = {
        "tabs": _tabs("", {}),
        "on_log": True,
        "log_tabs": _log_tabs(tab),
        "page": page,
        "entries": rows,
        "filters": filters,
        "about": about,
        "actions": LogAction.choices,
        "extra_query": urlencode(filters),
        "without_target": urlencode(
            {k: v for k, v in filters.items() if k not in ("target_kind", "target_id")}
        ),
    }
    return render(request, "moderation/log.html", context)


def _log_tabs(current: str) -> list[dict[str, object]]:
    base = reverse("moderation:log")
    return [
        {"label": label, "current": key == current, "url": f"{base}?tab={key}" if key else base}
        for key, label in LOG_TABS.items()
    ]


def _content_moves(request: HttpRequest) -> HttpResponse:
    """Every move of every comment and edit (moderation events), Akismet's and the
    system's included: each content's own history, side by side."""
    events = ModerationEvent.objects.select_related("actor", "case", "case__content_type").order_by(
        "-created_at", "-id"
    )
    page = Paginator(events, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    cases = list({event.case_id: event.case for event in rows}.values())
    # Each row has its own copy of its case: load every content once, for the first copy.
    prefetch_related_objects(cases, "content")
    summaries = _summaries(cases)
    context = {
        "tabs": _tabs("", {}),
        "on_log": True,
        "log_tabs": _log_tabs("moves"),
        "page": page,
        "rows": [LogRow(event=event, summary=summaries[event.case_id]) for event in rows],
        "extra_query": "tab=moves",
    }
    return render(request, "moderation/log_moves.html", context)
