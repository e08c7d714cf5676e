"""Remove a spammer in one action: roll back their edits that are still current, mark
everything else they wrote spam, block them and tell Akismet, each change an ordinary
logged move a moderator can undo on its own. Nothing is deleted.

A spammer is an account, or an address: what was written from it signed out. A run
changes at most MAX_CHANGES things (a rollback, an archived article, an item marked spam);
the moderator runs it again for the rest. A second run finds nothing left and changes
nothing, sends nothing.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from comments.models import Comment
from commons.roles import can_moderate, require_moderator
from moderation import akismet, blocks, log
from moderation import services as moderation
from moderation.models import Block, BlockScope, LogAction, ModerationCase, TargetKind
from moderation.states import Status
from wiki import services as wiki
from wiki.markup import TooComplexToRender
from wiki.models import Article, Revision

MAX_CHANGES = 500  # per run: a rollback, an archive or an item marked spam counts one
PREVIEW_ROWS = 50  # of each list on the preview page


@dataclass(frozen=True)
class Spammer:
    """Whose writing the action is about: an account, or an address (signed out)."""

    user: object | None = None
    ip: str = ""

    @property
    def label(self) -> str:
        return self.user.get_username() if self.user is not None else self.ip

    @property
    def authored(self) -> Q:
        """Their rows, as a filter on revisions or comments (the rule of rollback_article:
        the same account or, signed out, the same address)."""
        if self.user is not None:
            return Q(author=self.user)
        return Q(author__isnull=True, author_ip=self.ip)

    def log_target(self) -> log.Target:
        if self.user is not None:
            return log.Target(
                TargetKind.USER,
                self.user.pk,
                self.label,
                reverse("contributions", args=[self.label]),
            )
        return log.Target(
            TargetKind.ADDRESS, self.ip, self.ip, reverse("address_contributions", args=[self.ip])
        )


def parse_address(text: str) -> str:
    """One IP address, written the usual way (IPv6 compressed), or ValueError."""
    if len(text) > 64:
        raise ValueError(text[:64])
    return ipaddress.ip_address(text).compressed


def refusal(spammer: Spammer) -> str:
    """Why the action may not be used on them ("" when it may): never on moderators or staff."""
    user = spammer.user
    if user is not None and (user.is_staff or user.is_superuser or can_moderate(user)):
        return (
            f"{spammer.label} is a moderator or an administrator: their account cannot be "
            "removed as a spammer. Ask an administrator to take away their role first."
        )
    return ""


def _marked_spam(model) -> Exists:
    """The outer row's content has been marked spam (its case says so)."""
    return Exists(
        ModerationCase.objects.filter(
            content_type=ContentType.objects.get_for_model(model),
            object_id=OuterRef("pk"),
            status=Status.SPAM,
        )
    )


def articles_to_roll_back(spammer: Spammer) -> QuerySet[Article]:
    """Live articles whose current revision is theirs, oldest first, each annotated with
    the revision rollback goes back to (`back_to`, None: no one else wrote it, so it is
    archived) and that revision's author (`back_to_author`)."""
    theirs = Revision.objects.filter(spammer.authored, pk=OuterRef("current_revision_id"))
    others = (
        Revision.objects.filter(article=OuterRef("pk"))
        .exclude(spammer.authored)
        .order_by("-number")
    )
    return (
        Article.objects.live()
        .filter(Exists(theirs.exclude(_marked_spam(Revision))))
        .select_related("current_revision")
        .annotate(
            back_to=Subquery(others.values("number")[:1]),
            back_to_author=Subquery(others.values("author_name")[:1]),
        )
        .order_by("pk")
    )


def revisions_to_mark(spammer: Spammer) -> QuerySet[Revision]:
    """Their revisions not yet marked spam, oldest first, without their texts."""
    return (
        Revision.objects.filter(spammer.authored)
        .exclude(_marked_spam(Revision))
        .without_text()
        .select_related("article")
        .order_by("pk")
    )


def comments_to_mark(spammer: Spammer) -> QuerySet[Comment]:
    """Their comments that readers see or may yet see (published or pending), oldest first;
    removed ones stay removed."""
    return (
        Comment.objects.comments()
        .filter(spammer.authored, status__in=[Status.PENDING, Status.PUBLISHED])
        .select_related("article")
        .defer("body", "author_email", "user_agent", "referrer")
        .order_by("pk")
    )


def blocks_covering(spammer: Spammer) -> dict[str, Block | None]:
    """The active block that stops them from editing and from commenting (BlockScope
    values), if any: two queries."""
    return {
        doing: blocks.active_block(user=spammer.user, ip=spammer.ip or None, doing=doing)
        for doing in (BlockScope.EDIT, BlockScope.COMMENT)
    }


@dataclass
class Plan:
    """What the action would change now, for the preview: counts and the first rows."""

    spammer: Spammer
    roll_back: list[Article]
    roll_back_count: int
    revisions: list[Revision]
    revision_count: int
    comments: list[Comment]
    comment_count: int
    blocked: dict[str, Block | None]
    akismet_configured: bool

    @property
    def total(self) -> int:
        return self.roll_back_count + self.revision_count + self.comment_count

    @property
    def over_limit(self) -> bool:
        return self.total > MAX_CHANGES

    @property
    def fully_blocked(self) -> bool:
        return all(self.blocked.values())


def plan_removal(spammer: Spammer) -> Plan:
    """What remove_spammer would do now; changes nothing. A fixed number of queries."""
    roll_back = articles_to_roll_back(spammer)
    revisions = revisions_to_mark(spammer)
    comments = comments_to_mark(spammer)
    revision_rows = list(revisions[:PREVIEW_ROWS])
    for revision in revision_rows:
        revision.is_current = revision.pk == revision.article.current_revision_id
    return Plan(
        spammer=spammer,
        roll_back=list(roll_back[:PREVIEW_ROWS]),
        roll_back_count=roll_back.count(),
        revisions=revision_rows,
        revision_count=revisions.count(),
        comments=list(comments[:PREVIEW_ROWS]),
        comment_count=comments.count(),
        blocked=blocks_covering(spammer),
        akismet_configured=akismet.is_configured(),
    )


@dataclass
class Outcome:
    """What one run did, and what is left for the next."""

    rolled_back: list[Article] = field(default_factory=list)
    archived: list[Article] = field(default_factory=list)
    revisions_marked: int = 0
    comments_marked: int = 0
    sent_to_akismet: int = 0
    block: Block | None = None
    not_rolled_back: list[str] = field(default_factory=list)
    left: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.rolled_back
            or self.archived
            or self.revisions_marked
            or self.comments_marked
            or self.block
        )

    def describe(self) -> str:
        parts = []
        if self.rolled_back:
            parts.append(f"rolled back {_count(len(self.rolled_back), 'article')}")
        if self.archived:
            parts.append(f"archived {_count(len(self.archived), 'article')} only they wrote")
        parts.append(f"marked {_count(self.revisions_marked, 'edit')} as spam")
        parts.append(f"marked {_count(self.comments_marked, 'comment')} as spam")
        if self.block is not None:
            parts.append("blocked them")
        if self.sent_to_akismet:
            parts.append(f"reported {_count(self.sent_to_akismet, 'item')} to Akismet")
        return ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def remove_spammer(
    *,
    spammer: Spammer,
    moderator,
    reason: str,
    scope: str = BlockScope.ALL,
    expires_at: datetime.datetime | None = None,
) -> Outcome:
    """Roll back their current edits (archiving articles only they wrote), mark their
    revisions and comments spam through moderation.services (each a logged move), then
    block them unless a block already covers them and log REMOVE_SPAMMER once; Akismet
    gets one submit-spam per item it has not been told about, after each commit.

    Each change commits on its own, as the queue's bulk action does: a long run holds no
    article for long, takes locks in the order every moderation write does, and a failure
    part-way leaves only finished, logged moves for the next run to carry on from.
    Idempotent; at most MAX_CHANGES changes a run."""
    require_moderator(moderator)
    why = refusal(spammer)
    if why:
        raise PermissionDenied(why)
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why: the reason goes in the log and the block.")
    outcome = Outcome()
    budget = MAX_CHANGES
    by = wiki.Contributor(user=moderator, name=moderator.get_username())
    kept_current: list[int] = []  # their current revisions a rollback left in place
    for article in articles_to_roll_back(spammer)[:budget]:
        budget -= 1
        try:
            _roll_back(article, spammer, by, outcome, kept_current)
        except (TooComplexToRender, wiki.ArticleArchived, wiki.NothingToRollBack) as error:
            outcome.not_rolled_back.append(f"{article.title}: {error}")

    # Their current revisions of live articles not rolled back (past the limit) wait for
    # the next run: marked spam alone, the article would go back to their previous text.
    still_current = Q(Exists(Article.objects.live().filter(current_revision=OuterRef("pk"))))
    if kept_current:
        still_current &= ~Q(pk__in=kept_current)
    note = f"Spammer removed: {reason}"
    for revision in revisions_to_mark(spammer).exclude(still_current)[:budget]:
        budget -= 1
        with transaction.atomic():
            outcome.sent_to_akismet += _mark_spam(revision, moderator, note)
        outcome.revisions_marked += 1
    for comment in comments_to_mark(spammer)[:budget]:
        budget -= 1
        with transaction.atomic():
            outcome.sent_to_akismet += _mark_spam(comment, moderator, note)
        outcome.comments_marked += 1

    with transaction.atomic():
        outcome.block = _block(
            spammer, moderator, reason=reason, scope=scope, expires_at=expires_at
        )
        if outcome.changed:
            log.record(
                LogAction.REMOVE_SPAMMER,
                actor=moderator,
                target=spammer.log_target(),
                reason=f"{reason} ({outcome.describe()})",
            )
    outcome.left = (
        articles_to_roll_back(spammer).count()
        + revisions_to_mark(spammer).count()
        + comments_to_mark(spammer).count()
    )
    return outcome


@transaction.atomic
def _roll_back(
    article: Article, spammer: Spammer, by, outcome: Outcome, kept_current: list[int]
) -> None:
    """Take their text off one article: back to the last revision by someone else, or
    archived when no one else wrote it. Checked again under the article's lock: if someone
    else has edited since the preview, their edit is not rolled back."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    current = Revision.objects.without_text().get(pk=article.current_revision_id)
    theirs = Revision.objects.filter(spammer.authored, pk=current.pk).exists()
    if article.is_archived or not theirs:
        return  # someone else edited or archived it since: nothing of theirs is current
    if not article.revisions.exclude(spammer.authored).exists():
        wiki.archive_article(article=article, moderator=by)
        outcome.archived.append(article)
        return
    try:
        wiki.rollback_article(article=article, contributor=by, seen_number=current.number)
    except wiki.NothingChanged:
        kept_current.append(current.pk)  # the text from before them: nothing to take off
        return
    outcome.rolled_back.append(article)


def _mark_spam(content, moderator, reason: str) -> int:
    """Mark one item spam (a logged move, undone by approving it in the queue) and see that
    Akismet hears of it once; returns 1 when this run sends the report, else 0."""
    case = moderation.case_to_decide(content)
    due = moderation.spam_report_due(case, every_miss=True)
    moderation.mark_spam(case=case, moderator=moderator, reason=reason, report_every_miss=True)
    return int(due and akismet.is_configured())


def _block(spammer: Spammer, moderator, *, reason: str, scope: str, expires_at) -> Block | None:
    """Block them as asked, unless an active block already stops them from everything the
    scope names for at least as long (then None)."""
    doings = [BlockScope.EDIT, BlockScope.COMMENT] if scope == BlockScope.ALL else [scope]
    covering = blocks_covering(spammer)

    def covers(block: Block | None) -> bool:
        if block is None:
            return False
        return block.expires_at is None or (
            expires_at is not None and block.expires_at >= expires_at
        )

    if all(covers(covering[doing]) for doing in doings):
        return None
    return blocks.block(
        by=moderator,
        reason=reason,
        scope=scope,
        user=spammer.user,
        network=spammer.ip,
        expires_at=expires_at,
    )
