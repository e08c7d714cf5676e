"""Every write to moderation records: opening a case, verdicts, decisions, flags, feedback.

State moves follow moderation.states; each one is logged with who, when and why. An
automatic verdict never overrides a moderator's decision.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from commons import events
from commons.celery import send_after_commit
from commons.roles import require_moderator
from moderation import akismet, blocks
from moderation import log as moderation_log
from moderation.akismet import Verdict
from moderation.events import ContentMoved
from moderation.models import (
    NOT_SENT,
    Actor,
    BlockScope,
    CheckState,
    Flag,
    LogAction,
    ModerationCase,
    ModerationEvent,
    ReviewReason,
    TargetKind,
)
from moderation.registry import adapter_for, content_type_for
from moderation.states import IllegalMove, Status, check_move, decisions_from

logger = logging.getLogger(__name__)

MISCONFIGURED_CACHE_KEY = "moderation:akismet-misconfigured"


def case_for(content, *, lock: bool = False) -> ModerationCase | None:
    """The content's case, if it has one; `lock` takes its row lock (before the content's
    own, the order every moderation write follows)."""
    cases = ModerationCase.objects.filter(
        content_type=content_type_for(content), object_id=content.pk
    )
    return (cases.select_for_update() if lock else cases).first()


def _case_to_change(content) -> ModerationCase:
    """The content's case, locked. Content published at once (a trusted author's) has
    none until it first moves: one is opened in the state the content shows."""
    case = case_for(content, lock=True)
    if case is None:
        case = ModerationCase.objects.create(
            content_type=content_type_for(content),
            object_id=content.pk,
            status=adapter_for(content).status(content),
            state=CheckState.CHECKED,
        )
    return case


@transaction.atomic
def open_case(
    *,
    content,
    status: str,
    caught_by_honeypot: bool = False,
    hold_reason: str = "",
    hold_note: str = "",
) -> ModerationCase:
    """Start moderating new content from an untrusted author, and queue its spam check.

    Without an Akismet key the content waits for a moderator instead: held when it came
    in pending (comments), live but awaiting review when it came in published (edits).
    Content a bot sent through the honeypot is kept as blatant spam without asking Akismet.
    A `hold_reason` (e.g. ReviewReason.BLOCKLIST) sends any author's content straight to a
    moderator, no check asked: only a person may accept it.
    """
    if hold_reason:
        case = ModerationCase.objects.create(
            content_type=content_type_for(content),
            object_id=content.pk,
            status=status,
            state=CheckState.NEEDS_REVIEW,
            review_reason=hold_reason,
        )
        ModerationEvent.objects.create(
            case=case,
            to_status=status,
            actor_kind=Actor.SYSTEM,
            reason=f"{_waiting_words(status).capitalize()}: {hold_note}"[:500],
        )
        return case
    if caught_by_honeypot:
        case = ModerationCase.objects.create(
            content_type=content_type_for(content),
            object_id=content.pk,
            status=Status.SPAM,
            state=CheckState.CHECKED,
            verdict=Verdict.DISCARD,
        )
        ModerationEvent.objects.create(
            case=case,
            to_status=Status.SPAM,
            actor_kind=Actor.SYSTEM,
            reason="The honeypot field was filled in: kept as blatant spam.",
        )
        return case
    configured = akismet.is_configured()
    case = ModerationCase.objects.create(
        content_type=content_type_for(content),
        object_id=content.pk,
        status=status,
        state=CheckState.QUEUED if configured else CheckState.NEEDS_REVIEW,
        review_reason=ReviewReason.NONE if configured else ReviewReason.NO_KEY,
    )
    ModerationEvent.objects.create(
        case=case,
        to_status=status,
        actor_kind=Actor.SYSTEM,
        reason="Queued for the spam check."
        if configured
        else f"No Akismet key: {_waiting_words(status)}.",
    )
    if configured:
        transaction.on_commit(lambda: _send_check(case.pk), robust=True)
    return case


@transaction.atomic
def recheck(
    *, content, actor, reason: str, hold_reason: str = "", hold_note: str = ""
) -> ModerationCase | None:
    """Content an untrusted author changed is checked again, as new content would be:
    published content goes back to pending (hidden from readers) and its check is queued
    for the new text. Content waiting for a person keeps waiting (they will see the new
    text); spam stays spam until a person decides. Returns the case (None: not moderated).
    A `hold_reason` sends it to a moderator instead of the check, whoever changed it.
    """
    from moderation.tasks import check_content

    case = _case_to_change(content)
    if case.status not in (Status.PENDING, Status.PUBLISHED):
        return case
    old = case.status
    _move(case, content, to=Status.PENDING, actor_kind=Actor.AUTHOR, actor=actor, reason=reason)
    if old == Status.PENDING:
        ModerationEvent.objects.create(
            case=case,
            from_status=old,
            to_status=old,
            actor_kind=Actor.AUTHOR,
            actor=actor,
            reason=reason[:500],
        )
    if hold_reason:
        case.state = CheckState.NEEDS_REVIEW
        case.review_reason = hold_reason
        case.verdict = Verdict.NONE
        ModerationEvent.objects.create(
            case=case,
            from_status=case.status,
            to_status=case.status,
            actor_kind=Actor.SYSTEM,
            reason=f"{_waiting_words(case.status).capitalize()}: {hold_note}"[:500],
        )
    elif case.state != CheckState.NEEDS_REVIEW:
        configured = akismet.is_configured()
        case.state = CheckState.QUEUED if configured else CheckState.NEEDS_REVIEW
        case.review_reason = ReviewReason.NONE if configured else ReviewReason.NO_KEY
        case.verdict = Verdict.NONE
        case.queued_at = timezone.now()
        if configured:
            send_after_commit(check_content, case.pk)
    case.save()
    return case


def _waiting_words(status: str) -> str:
    """How content that waits for a person waits: hidden, or live until someone accepts it."""
    if status == Status.PUBLISHED:
        return "live, awaiting a moderator's review"
    return "held for a moderator"


def _accept(case: ModerationCase, content, *, actor_kind: str, actor=None, reason: str) -> None:
    """Publish pending content, or log that live content was accepted as it is; either way
    the content's pages learn that a person or the check has accepted it."""
    if case.status == Status.PUBLISHED:
        ModerationEvent.objects.create(
            case=case,
            from_status=Status.PUBLISHED,
            to_status=Status.PUBLISHED,
            actor_kind=actor_kind,
            actor=actor,
            reason=f"{reason}: accepted as it is"[:500],
        )
    else:
        _move(case, content, to=Status.PUBLISHED, actor_kind=actor_kind, actor=actor, reason=reason)
    adapter_for(content).accepted(content)


def _move(
    case: ModerationCase,
    content,
    *,
    to: str,
    actor_kind: str,
    actor=None,
    reason: str,
    previous: str = "",
) -> None:
    """Move content to `to` (if it is not there already) and log the move: the one door
    through which a moderated state changes, announced to the apps above (ContentMoved).
    `previous` is given by restore alone."""
    old = case.status
    if old == to:
        return
    check_move(current=old, target=to, previous=previous)
    note = adapter_for(content).apply_status(content, old=old, new=to)
    case.status = to
    logged = ModerationEvent.objects.create(
        case=case,
        from_status=old,
        to_status=to,
        actor_kind=actor_kind,
        actor=actor,
        reason="; ".join(part for part in (reason, note) if part)[:500],
    )
    events.announce(
        ContentMoved(
            moderation_event_id=logged.pk,
            content_type_id=case.content_type_id,
            object_id=case.object_id,
            old_status=old,
            new_status=to,
            actor_kind=actor_kind,
            actor_id=getattr(actor, "pk", None),
            reason=reason[:500],
        )
    )


def run_check(*, case_id: int) -> None:
    """Ask Akismet about a queued case and apply the verdict (raises AkismetUnavailable)."""
    case = ModerationCase.objects.get(pk=case_id)
    if case.state != CheckState.QUEUED:
        return
    if not akismet.is_configured():
        hold_for_review(case_id=case_id, reason=ReviewReason.NO_KEY, error="")
        return
    submission = adapter_for(case.content).submission(case.content)
    try:
        verdict = akismet.check(submission)
    except akismet.AkismetMisconfigured as error:
        cache.set(MISCONFIGURED_CACHE_KEY, str(error), 3600)
        hold_for_review(case_id=case_id, reason=ReviewReason.MISCONFIGURED, error=str(error))
        return
    cache.delete(MISCONFIGURED_CACHE_KEY)
    apply_verdict(
        case_id=case_id, verdict=verdict, checked=submission.fields.get("comment_content")
    )


@transaction.atomic
def apply_verdict(*, case_id: int, verdict: str, checked: str | None = None) -> None:
    """Apply Akismet's answer once: ham publishes, spam (or discard) moves to spam.

    `checked` is the text Akismet judged; if the content has changed since, the answer is
    about text that is gone and is dropped (the change queued a check of its own).
    """
    case = ModerationCase.objects.select_for_update().get(pk=case_id)
    if case.state != CheckState.QUEUED:
        return  # already applied, or a moderator decided first
    if checked is not None:
        now = adapter_for(case.content).submission(case.content).fields.get("comment_content")
        if now != checked:
            return
    case.verdict = verdict
    case.checked_at = timezone.now()
    case.attempts += 1
    content = case.content
    if case.status == Status.REMOVED:
        # Removed while the check ran: the verdict is kept, the removal stands, and
        # restore applies the verdict (_follow_verdict_kept_while_removed).
        case.state = CheckState.CHECKED
        ModerationEvent.objects.create(
            case=case,
            from_status=Status.REMOVED,
            to_status=Status.REMOVED,
            actor_kind=Actor.AKISMET,
            reason=f"Akismet: {'ham' if verdict == Verdict.HAM else 'spam'}, but it had been "
            "removed meanwhile: the removal stands, and restoring it applies this verdict.",
        )
    elif verdict == Verdict.HAM:
        case.state = CheckState.CHECKED
        if case.status in (Status.PENDING, Status.PUBLISHED):
            _accept(case, content, actor_kind=Actor.AKISMET, reason="Akismet: ham")
    else:
        reason = "Akismet: blatant spam" if verdict == Verdict.DISCARD else "Akismet: spam"
        case.state = CheckState.CHECKED
        if not adapter_for(content).may_act_on_spam(content):
            case.state = CheckState.NEEDS_REVIEW
            case.review_reason = ReviewReason.SPAM_UNDER_NEWER
            ModerationEvent.objects.create(
                case=case,
                from_status=case.status,
                to_status=case.status,
                actor_kind=Actor.AKISMET,
                reason=f"{reason}, but newer edits sit on top: left for a moderator.",
            )
        else:
            _move(case, content, to=Status.SPAM, actor_kind=Actor.AKISMET, reason=reason)
    case.save()


@transaction.atomic
def record_transient_failure(*, case_id: int, error: str) -> None:
    case = ModerationCase.objects.select_for_update().get(pk=case_id)
    case.attempts += 1
    case.last_error = error[:2000]
    case.save(update_fields=["attempts", "last_error"])


@transaction.atomic
def hold_for_review(*, case_id: int, reason: str, error: str) -> None:
    """The check gave up (or cannot run): the content waits in the queue for a person."""
    case = ModerationCase.objects.select_for_update().get(pk=case_id)
    if case.state != CheckState.QUEUED:
        return
    case.state = CheckState.NEEDS_REVIEW
    case.review_reason = reason
    case.last_error = error[:2000]
    case.save(update_fields=["state", "review_reason", "last_error"])
    waiting = _waiting_words(case.status)
    ModerationEvent.objects.create(
        case=case,
        from_status=case.status,
        to_status=case.status,
        actor_kind=Actor.SYSTEM,
        reason=f"{waiting.capitalize()}: {ReviewReason(reason).label}. {error}"[:500],
    )


@transaction.atomic
def approve(*, case: ModerationCase, moderator, reason: str = "") -> ModerationCase:
    """A moderator publishes the content, or accepts live content as it is; if Akismet had
    called it spam, tell Akismet. Logged."""
    return _approve(case=case, moderator=moderator, reason=reason, action=LogAction.APPROVE)


@transaction.atomic
def patrol(*, case: ModerationCase, moderator, reason: str = "") -> bool:
    """A moderator marks live content checked as it stands (patrol): accepted as approve
    does, and logged as patrol. False when a person or the check had accepted it already;
    IllegalMove when it is not live (hidden as spam, removed, held)."""
    require_moderator(moderator)
    locked = ModerationCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != Status.PUBLISHED:
        raise IllegalMove(f"it is {locked.get_status_display()}, not live")
    if locked.state in (CheckState.CHECKED, CheckState.DECIDED):
        return False
    _approve(case=locked, moderator=moderator, reason=reason, action=LogAction.PATROL)
    return True


def _approve(*, case: ModerationCase, moderator, reason: str, action: str) -> ModerationCase:
    from moderation.tasks import send_feedback

    require_moderator(moderator)
    case = ModerationCase.objects.select_for_update().get(pk=case.pk)
    content = case.content
    if case.flag_count:
        adapter_for(content).hold(content, held=False)
    _accept(case, content, actor_kind=Actor.MODERATOR, actor=moderator, reason=reason or "Approved")
    _decide(case, moderator)
    _log(action, content, moderator=moderator, reason=reason)
    if case.verdict in (Verdict.SPAM, Verdict.DISCARD) and case.ham_submitted_at is None:
        send_after_commit(send_feedback, case.pk, "ham")
    return case


def spam_report_due(case: ModerationCase, *, every_miss: bool = False) -> bool:
    """Whether marking `case` spam tells Akismet (once per case): when the content had been
    published or called ham, and with `every_miss` whenever Akismet had not called it spam
    itself (Remove spammer reports every item Akismet missed)."""
    if case.spam_submitted_at is not None:
        return False
    if case.status == Status.PUBLISHED or case.verdict == Verdict.HAM:
        return True
    return every_miss and case.verdict not in (Verdict.SPAM, Verdict.DISCARD)


@transaction.atomic
def mark_spam(
    *, case: ModerationCase, moderator, reason: str = "", report_every_miss: bool = False
) -> ModerationCase:
    """A moderator calls the content spam; Akismet is told as spam_report_due() says. Logged."""
    from moderation.tasks import send_feedback

    require_moderator(moderator)
    case = ModerationCase.objects.select_for_update().get(pk=case.pk)
    report = spam_report_due(case, every_miss=report_every_miss)
    _move(
        case,
        case.content,
        to=Status.SPAM,
        actor_kind=Actor.MODERATOR,
        actor=moderator,
        reason=reason or "Marked as spam",
    )
    _decide(case, moderator)
    _log(LogAction.MARK_SPAM, case.content, moderator=moderator, reason=reason)
    if report:
        send_after_commit(send_feedback, case.pk, "spam")
    return case


def offered_decisions(case: ModerationCase) -> frozenset[str]:
    """What the queue offers a moderator for a case: the decisions the moves allow from its
    state, and accepting live content as it stands while it waits for review."""
    offered = decisions_from(case.status)
    if case.status == Status.PUBLISHED and case.state == CheckState.NEEDS_REVIEW:
        offered |= {Status.PUBLISHED}
    return offered


@transaction.atomic
def remove(*, content, by, reason: str = "Removed") -> None:
    """Soft-remove content (any state -> removed), by its author or a moderator; the
    state it had is kept for restore. The move is logged as the author's when they remove
    their own content, as the moderator's otherwise (and then in the moderators' log)."""
    by_author = adapter_for(content).is_author(content, by)
    if not by_author:
        require_moderator(by)
    case = _case_to_change(content)
    if case.status == Status.REMOVED:
        return
    _move(
        case,
        content,
        to=Status.REMOVED,
        actor_kind=Actor.AUTHOR if by_author else Actor.MODERATOR,
        actor=by,
        reason=reason,
    )
    case.save(update_fields=["status"])
    if not by_author:
        _log(LogAction.REMOVE, content, moderator=by, reason=reason)


@transaction.atomic
def restore(*, content, by, reason: str = "Restored") -> None:
    """A moderator undoes a removal: the content goes back to the state it had before.
    Logged."""
    require_moderator(by)
    case = _case_to_change(content)
    if case.status != Status.REMOVED:
        return
    content.refresh_from_db()  # the state before removal, as of the case's lock
    previous = adapter_for(content).status_before_removal(content)
    _move(
        case,
        content,
        to=previous,
        actor_kind=Actor.MODERATOR,
        actor=by,
        reason=reason,
        previous=previous,
    )
    _follow_verdict_kept_while_removed(case, content)
    case.save(update_fields=["status"])
    _log(LogAction.UNREMOVE, content, moderator=by, reason=reason)


def _log(action: str, content, *, moderator, reason: str) -> None:
    """The moderators' log entry for a decision on `content`, named as the queue names it."""
    summary = adapter_for(content).summary(content)
    kind = TargetKind.REVISION if summary.kind == "edit" else TargetKind.COMMENT
    label = f"{summary.kind} by {summary.author_name} on “{summary.title}”"
    target = moderation_log.Target(kind, content.pk, label, summary.url)
    moderation_log.record(action, actor=moderator, target=target, reason=reason)


def _follow_verdict_kept_while_removed(case: ModerationCase, content) -> None:
    """Pending content restored after its check answered (apply_verdict kept the verdict
    while it was removed) goes where the check said, as it would have then."""
    if case.status != Status.PENDING or case.state != CheckState.CHECKED:
        return
    if case.verdict == Verdict.HAM:
        _accept(case, content, actor_kind=Actor.AKISMET, reason="Akismet: ham, while removed")
    elif case.verdict in (Verdict.SPAM, Verdict.DISCARD):
        _move(
            case,
            content,
            to=Status.SPAM,
            actor_kind=Actor.AKISMET,
            reason="Akismet: spam, while removed",
        )


def case_to_decide(content) -> ModerationCase:
    """The content's case for a moderator's decision (mark_spam, approve), locked; content
    published at once (a trusted author's) gets one opened in the state it shows."""
    return _case_to_change(content)


def _decide(case: ModerationCase, moderator) -> None:
    case.state = CheckState.DECIDED
    case.decided_by = moderator
    case.decided_at = timezone.now()
    case.save()


def send_feedback(*, case_id: int, kind: str) -> None:
    """Tell Akismet it was wrong, once per case and kind (raises AkismetUnavailable)."""
    field = "ham_submitted_at" if kind == "ham" else "spam_submitted_at"
    with transaction.atomic():
        case = ModerationCase.objects.select_for_update().get(pk=case_id)
        if getattr(case, field) is not None or not akismet.is_configured():
            return
        submission = adapter_for(case.content).submission(case.content)
        (akismet.submit_ham if kind == "ham" else akismet.submit_spam)(submission)
        setattr(case, field, timezone.now())
        case.save(update_fields=[field])


@transaction.atomic
def flag(*, content, reporter, reporter_key: str, reason: str, ip: str | None = None) -> bool:
    """Record a reader's flag once; enough flags from different people hide the content.

    Returns False when this reader had already flagged it. A reader blocked from
    commenting (their account or `ip`, their address) gets blocks.Blocked.
    """
    blocks.refuse_if_blocked(reporter, ip, BlockScope.COMMENT)
    case = _case_to_change(content)
    if case.flags.filter(reporter_key=reporter_key).exists():
        return False
    Flag.objects.create(
        case=case, reporter=reporter, reporter_key=reporter_key, reason=reason[:500]
    )
    case.flag_count += 1
    if (
        case.flag_count >= settings.MODERATION_FLAGS_TO_HIDE
        and case.status == Status.PUBLISHED
        and case.state != CheckState.DECIDED
    ):
        adapter_for(content).hold(content, held=True)
        ModerationEvent.objects.create(
            case=case,
            from_status=case.status,
            to_status=case.status,
            actor_kind=Actor.READERS,
            reason=f"Hidden pending review: {case.flag_count} readers flagged it.",
        )
        case.state = CheckState.NEEDS_REVIEW
        case.review_reason = ReviewReason.FLAGGED
    case.save()
    return True


def _send_check(case_id: int) -> bool:
    """Hand a case's check to the broker (True when it took it). When the broker is down the case
    is marked as never sent, and the sweeper's next run sends it."""
    from moderation.tasks import check_content

    try:
        check_content.delay(case_id)
    except (KombuError, RedisError, OSError) as error:
        logger.warning("broker unreachable, check %s not sent: %s", case_id, error)
        ModerationCase.objects.filter(pk=case_id, state=CheckState.QUEUED).update(
            queued_at=NOT_SENT
        )
        return False
    return True


def resend_stale_checks() -> int:
    """Send every check the broker never took, whatever its age, and again every check sent
    more than MODERATION_SWEEP_AFTER_SECONDS ago that has had no answer."""
    before = timezone.now() - timezone.timedelta(seconds=settings.MODERATION_SWEEP_AFTER_SECONDS)
    waiting = ModerationCase.objects.stale_queued(before).order_by("queued_at")
    sent = 0
    for case_id in waiting.values_list("pk", flat=True):
        if not _send_check(case_id):
            break  # the broker went away again: the next sweep carries on
        ModerationCase.objects.filter(pk=case_id).update(queued_at=timezone.now())
        sent += 1
    return sent


def akismet_problem() -> str:
    """Why Akismet is not usable right now, for the moderators' header ("" when fine)."""
    if not akismet.is_configured():
        return (
            "No Akismet key is configured: untrusted comments are held for a moderator, and "
            "untrusted edits are live, awaiting a moderator's review."
        )
    message = cache.get(MISCONFIGURED_CACHE_KEY)
    return f"Akismet is misconfigured: {message}" if message else ""
