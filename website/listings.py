"""Listings that mix the wiki's revisions and the discussion's comments: recent changes
and a person's contributions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from html import unescape

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from comments.models import Comment
from commons.fragments import fragment_key
from commons.pagecache import PageCopy, may_share_copy
from commons.roles import can_moderate
from moderation import blocks
from moderation.akismet import Verdict
from moderation.forms import TrustLevelForm
from moderation.models import CheckState, ModerationCase
from moderation.states import Status
from moderation.trust import level_rules, manual_setting, standing_of
from website.models import Profile
from wiki.models import Article, Revision
from wiki.permissions import can_edit, can_roll_back


def _comment_excerpt(html: str, length: int = 200) -> str:
    """Plain text of a comment's sanitized HTML, shortened; the template escapes it."""
    return Truncator(unescape(strip_tags(html)).strip()).chars(length)


def _with_excerpts(comments) -> list:
    rows = list(comments)
    for comment in rows:
        comment.excerpt = _comment_excerpt(comment.html)
    return rows


def _with_tools(user, revisions) -> list:
    """Rows that say whether this viewer may undo each one, and roll back the current ones
    (the same for every anonymous reader, so shared copies may carry them)."""
    rows = list(revisions)
    for revision in rows:
        article = revision.article
        revision.can_undo = revision.number > 1 and can_edit(user, article)
        revision.can_roll_back = (
            revision.number > 1
            and revision.pk == article.current_revision_id
            and can_roll_back(user, article)
        )
    return rows


@dataclass(frozen=True)
class Check:
    """Whether an edit has been checked (patrol) and by whom, as a moderator reads it."""

    checked: bool
    by: str  # "Akismet", a moderator's name, or "" for a trusted author's edit
    case_id: int | None = None  # what "Mark checked" accepts, for an unchecked edit

    @property
    def words(self) -> str:
        if not self.checked:
            return "not checked yet"
        return f"checked by {self.by}" if self.by else "checked on save (trusted author)"


def check_of(case: ModerationCase | None) -> Check:
    """The patrol rule, per edit: no case means a trusted author's edit, checked on save;
    content a person decided was checked by them; Akismet's ham was checked by Akismet; an
    edit that is live but not yet accepted is unchecked (CaseQuerySet.not_accepted)."""
    if case is None:
        return Check(checked=True, by="")
    accepted = case.status == Status.PUBLISHED and case.state in (
        CheckState.CHECKED,
        CheckState.DECIDED,
    )
    if not accepted:
        return Check(checked=False, by="", case_id=case.pk)
    if case.state == CheckState.DECIDED:
        name = case.decided_by.get_username() if case.decided_by else "a moderator"
        return Check(checked=True, by=name)
    if case.verdict == Verdict.HAM:
        return Check(checked=True, by="Akismet")
    return Check(checked=True, by="")  # a trusted author's, opened when it first moved


def _with_checks(rows: list) -> list:
    """Each row's Check, for moderators: one query for the whole page."""
    cases = {
        case.object_id: case
        for case in ModerationCase.objects.for_contents(Revision, (row.pk for row in rows))
    }
    for revision in rows:
        revision.patrol = check_of(cases.get(revision.pk))
    return rows


@require_safe
def recent_changes(request: HttpRequest) -> HttpResponse:
    """Every revision (or, ?tab=comments, every published comment) newest first.

    Anonymous readers share a copy of the first pages until anything changes; a minute
    at most, as "the last 7 days" moves on.
    """
    copy = PageCopy()
    if may_share_copy(request, RECENT_PARAMS) and request.GET.get("page", "1") in RECENT_PAGES_KEPT:
        changed = Article.objects.last_change()
        version = changed and changed.timestamp()
        params = urlencode(sorted(request.GET.items()))
        copy = PageCopy(key=fragment_key("recent", version, params), timeout=60)
        served = copy.served(request)
        if served:
            return served
    return copy.keep(_render_recent_changes(request))


RECENT_PARAMS = frozenset({"tab", "hideminor", "new", "page"})
RECENT_PAGES_KEPT = frozenset(str(number) for number in range(1, 11))


def _render_recent_changes(request: HttpRequest) -> HttpResponse:
    tab = "comments" if request.GET.get("tab") == "comments" else "edits"
    hide_minor = request.GET.get("hideminor") == "1"
    new_only = request.GET.get("new") == "1"
    # Patrol, for moderators only; never in RECENT_PARAMS, so never in a shared copy.
    unchecked_only = request.GET.get("unchecked") == "1" and can_moderate(request.user)
    filters = {"hideminor": "1"} if hide_minor else {}
    if new_only:
        filters["new"] = "1"
    if unchecked_only:
        filters["unchecked"] = "1"
    activity = None
    if tab == "comments":
        rows = Comment.objects.for_recent_changes()
        extra_query = urlencode({"tab": "comments"})
    else:
        rows = Revision.objects.for_recent_changes()
        if hide_minor:
            rows = rows.without_minor()
        if new_only:
            rows = rows.creations()
        if unchecked_only:
            rows = rows.unchecked()
        extra_query = urlencode(filters)
        activity = Revision.objects.activity_since(timezone.now() - timedelta(days=7))
    page = Paginator(rows, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    if tab == "comments":
        shown = _with_excerpts(page.object_list)
    else:
        shown = _with_tools(request.user, page.object_list)
        if can_moderate(request.user):  # never in a shared copy: those are anonymous
            shown = _with_checks(shown)
    context = {
        "tab": tab,
        "page": page,
        "rows": shown,
        "hide_minor": hide_minor,
        "new_only": new_only,
        "unchecked_only": unchecked_only,
        "edits_query": urlencode(filters),
        "extra_query": extra_query,
        "activity": activity,
        "patrol_next": request.get_full_path(),
    }
    return render(request, "website/recent_changes.html", context)


@require_safe
def user_contributions(request: HttpRequest, username: str) -> HttpResponse:
    """A person's revisions (?tab=edits) or published comments (?tab=comments), with counts."""
    people = get_user_model().objects.select_related("profile")
    person = get_object_or_404(people, username=username)
    try:
        profile = person.profile
    except Profile.DoesNotExist:
        profile = None
    tab = "comments" if request.GET.get("tab") == "comments" else "edits"
    edits = Revision.objects.by_author(person)
    comments = Comment.objects.by_author(person)
    shown, other = (comments, edits) if tab == "comments" else (edits, comments)
    page = Paginator(shown, settings.WIKI_LISTING_PAGE_SIZE).get_page(request.GET.get("page"))
    shown_count, other_count = page.paginator.count, other.count()
    counts = (
        {"edits": other_count, "comments": shown_count}
        if tab == "comments"
        else {"edits": shown_count, "comments": other_count}
    )
    context = {
        "person": person,
        "profile": profile,
        "is_own_page": request.user.is_authenticated and request.user.pk == person.pk,
        "tab": tab,
        "page": page,
        "rows": _with_excerpts(page.object_list) if tab == "comments" else page.object_list,
        "counts": counts,
        "extra_query": urlencode({"tab": tab}) if tab == "comments" else "",
        # The trust level, for everyone; moderators set it by hand (moderation.trust_views).
        "standing": standing_of(person),
        "level_rules": level_rules(),
        "can_block": can_moderate(request.user),
    }
    if context["can_block"]:
        context["current_block"] = blocks.active_block(user=person, doing=None)
        setting = manual_setting(person)
        context["trust_setting"] = setting
        context["trust_form"] = TrustLevelForm(
            auto_id="id_trust_%s", initial={"level": str(setting.level) if setting else "earned"}
        )
    return render(request, "website/user_contributions.html", context)
