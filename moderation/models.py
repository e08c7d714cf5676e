import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from commons.undeletable import UndeletableModel, UndeletableQuerySet
from moderation import registry
from moderation.akismet import Verdict
from moderation.states import Status


class CheckState(models.TextChoices):
    QUEUED = "queued", "waiting for the spam check"
    CHECKED = "checked", "checked by Akismet"
    NEEDS_REVIEW = "needs_review", "needs a moderator"
    DECIDED = "decided", "decided by a moderator"


class ReviewReason(models.TextChoices):
    NONE = "", "—"
    NO_KEY = "no_key", "no Akismet key is configured"
    ERROR = "error", "Akismet could not be reached"
    MISCONFIGURED = "misconfigured", "Akismet is misconfigured"
    FLAGGED = "flagged", "flagged by readers"
    SPAM_UNDER_NEWER = "spam_under_newer", "spam, with newer edits on top"
    BLOCKLIST = "blocklist", "matched the blocklist"


class Actor(models.TextChoices):
    MODERATOR = "moderator", "a moderator"
    AKISMET = "akismet", "Akismet"
    SYSTEM = "system", "the system"
    AUTHOR = "author", "the author"
    READERS = "readers", "readers' flags"


# `queued_at` of a check the broker never took. Older than any real send, so the sweeper's
# next run sends it whatever MODERATION_SWEEP_AFTER_SECONDS says.
NOT_SENT = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


class CaseQuerySet(UndeletableQuerySet):
    def needs_review(self):
        """What waits for a person: held content, failed checks, flags."""
        return self.filter(state=CheckState.NEEDS_REVIEW)

    def not_accepted(self):
        """Content no person or check has accepted yet: waiting for the check or a person,
        or not published at all."""
        return self.exclude(
            status=Status.PUBLISHED, state__in=[CheckState.CHECKED, CheckState.DECIDED]
        )

    def awaiting_review_of(self, model, pk: OuterRef | None = None) -> Exists:
        """An expression: the row of `model` with this `pk` (by default the outer query's
        row) has a case no person or check has accepted yet. No case at all means a trusted
        author's content, accepted on save."""
        return Exists(
            self.not_accepted().filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id=OuterRef("pk") if pk is None else pk,
            )
        )

    def for_contents(self, model, pks):
        """The cases of these rows of `model`, with who decided each (patrol's one query
        for a page of recent changes)."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=list(pks)
        ).select_related("decided_by")

    def of_kind(self, kind: str):
        """Cases whose content is of `kind` (moderation.registry.kinds()); none for an
        unknown kind. One database filter, so the queue's pages stay right."""
        found = registry.filter_for_kind(kind)
        if found is None:
            return self.none()
        model, rows = found
        cases = self.filter(content_type=ContentType.objects.get_for_model(model))
        if rows:
            cases = cases.filter(object_id__in=model._default_manager.filter(rows).values("pk"))
        return cases

    def spam(self):
        return self.filter(status=Status.SPAM).exclude(verdict=Verdict.DISCARD, decided_by=None)

    def discarded(self):
        return self.filter(status=Status.SPAM, verdict=Verdict.DISCARD, decided_by=None)

    def recently_decided(self):
        return self.filter(state=CheckState.DECIDED).order_by("-decided_at")

    def stale_queued(self, before):
        """Checks the sweeper sends again: every one the broker never took (at once), and
        every one sent before `before` that has had no answer."""
        return self.filter(state=CheckState.QUEUED, queued_at__lt=before)


class ModerationCase(UndeletableModel):
    """The moderation record of one comment or revision: its state, verdicts and feedback."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    status = models.CharField(max_length=16, choices=Status.choices)
    state = models.CharField(max_length=16, choices=CheckState.choices)
    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    review_reason = models.CharField(max_length=24, choices=ReviewReason.choices, blank=True)
    last_error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # When the check was last handed to the broker; NOT_SENT when the broker was down.
    queued_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ham_submitted_at = models.DateTimeField(null=True, blank=True)
    spam_submitted_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="moderation_case_one_per_content"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="moderation_case_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=CheckState.values), name="moderation_case_state_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="moderation_case_by_state"),
            models.Index(fields=["status", "-created_at"], name="moderation_case_by_status"),
            models.Index(fields=["-decided_at"], name="moderation_case_decided"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}: {self.status}"


class ModerationEvent(UndeletableModel):
    """One move of one piece of content: who, when, why. The moderation log."""

    case = models.ForeignKey(ModerationCase, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    actor_kind = models.CharField(max_length=16, choices=Actor.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="moderation_event_recent")]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} → {self.to_status} by {self.actor_kind}"


class Flag(UndeletableModel):
    """A reader's report that a comment does not belong; one per reader and comment."""

    case = models.ForeignKey(ModerationCase, on_delete=models.PROTECT, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter_key = models.CharField(max_length=64)
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "reporter_key"], name="moderation_flag_once"),
        ]

    def __str__(self) -> str:
        return f"Flag on {self.case_id}: {self.reason[:40]}"


class LogAction(models.TextChoices):
    """What a person (or the system, for blocklist matches) did: one row each in the log."""

    APPROVE = "approve", "approved"
    MARK_SPAM = "spam", "marked spam"
    REMOVE = "remove", "removed"
    UNREMOVE = "unremove", "restored content"
    PATROL = "patrol", "marked checked"
    LOCK = "lock", "locked"
    UNLOCK = "unlock", "unlocked"
    ARCHIVE = "archive", "archived"
    RESTORE = "restore", "restored an article"
    HIDE = "hide", "hid a revision"
    UNHIDE = "unhide", "unhid a revision"
    MOVE = "move", "moved"
    REVERT = "revert", "reverted"
    UNDO = "undo", "undid an edit"
    ROLLBACK = "rollback", "rolled back"
    BLOCK = "block", "blocked"
    UNBLOCK = "unblock", "unblocked"
    SET_TRUST = "trust", "set a trust level"
    BLOCKLIST_ADD = "blocklist_add", "added to the blocklist"
    BLOCKLIST_REMOVE = "blocklist_remove", "removed from the blocklist"
    BLOCKLIST_MATCH = "blocklist_match", "blocklist matched"
    REMOVE_SPAMMER = "remove_spammer", "removed a spammer"


class TargetKind(models.TextChoices):
    ARTICLE = "article", "article"
    REVISION = "revision", "revision"
    COMMENT = "comment", "comment"
    USER = "user", "account"
    ADDRESS = "address", "address or range"
    BLOCKLIST = "blocklist", "blocklist entry"


class LogEntryQuerySet(UndeletableQuerySet):
    def about(self, kind: str, target_id: object):
        return self.filter(target_kind=kind, target_id=str(target_id))


class LogEntry(UndeletableModel):
    """One action in the moderators' log: who did what to which target, when and why.

    Targets are named, not foreign keys, because some are addresses or ranges; the label
    and URL are kept as they were at the time, so the log reads the same after a move.
    """

    action = models.CharField(max_length=24, choices=LogAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_kind = models.CharField(max_length=16, choices=Actor.choices, default=Actor.MODERATOR)
    target_kind = models.CharField(max_length=16, choices=TargetKind.choices)
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300)
    target_url = models.CharField(max_length=500, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="moderation_log_recent"),
            models.Index(fields=["action", "-created_at"], name="moderation_log_by_action"),
            models.Index(fields=["actor", "-created_at"], name="moderation_log_by_actor"),
            models.Index(
                fields=["target_kind", "target_id", "-created_at"], name="moderation_log_by_target"
            ),
        ]
        verbose_name_plural = "log entries"

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_label}"


class BlockScope(models.TextChoices):
    EDIT = "edit", "editing"
    COMMENT = "comment", "commenting"
    ALL = "all", "editing and commenting"


class BlockQuerySet(UndeletableQuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(lifted_at=None).filter(Q(expires_at=None) | Q(expires_at__gt=now))


class Block(UndeletableModel):
    """A moderator's block of one account, or of an address or range (CIDR).

    A range is stored as its first and last address, each as 32 hex digits of the IPv6
    address (IPv4 mapped into ::ffff:0:0/96), so "is this address blocked" is one indexed
    comparison on any database. Lifting a block keeps the row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    network = models.CharField(max_length=64, blank=True)  # as shown: "203.0.113.0/24"
    range_start = models.CharField(max_length=32, blank=True)
    range_end = models.CharField(max_length=32, blank=True)
    scope = models.CharField(max_length=8, choices=BlockScope.choices, default=BlockScope.ALL)
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = BlockQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(network=""))
                | (Q(user__isnull=True) & ~Q(network="") & ~Q(range_start="")),
                name="moderation_block_account_or_range",
            ),
            models.CheckConstraint(
                condition=Q(scope__in=BlockScope.values), name="moderation_block_scope_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["user"], name="moderation_block_live_user", condition=Q(lifted_at=None)
            ),
            models.Index(
                fields=["range_start", "range_end"],
                name="moderation_block_live_range",
                condition=Q(lifted_at=None),
            ),
            models.Index(fields=["-created_at"], name="moderation_block_recent"),
        ]

    def __str__(self) -> str:
        return f"Block of {self.network or self.user}"

    @property
    def target_label(self) -> str:
        return self.network or self.user.get_username()


class TrustLevel(models.IntegerChoices):
    NEW = 0, "new"
    MEMBER = 1, "member"
    TRUSTED = 2, "trusted"


class TrustSetting(UndeletableModel):
    """A level a moderator set by hand for one account; it replaces the earned level.

    Rows are never deleted: taking the level back sets `level` to None (the earned level
    applies again), with who did it and when; the log keeps every step.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trust_setting"
    )
    level = models.PositiveSmallIntegerField(choices=TrustLevel.choices, null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500, blank=True)

    objects = UndeletableQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=TrustLevel.values) | Q(level=None),
                name="moderation_trust_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_level_display()}"


class BlocklistKind(models.TextChoices):
    URL = "url", "link address"
    WORD = "word", "word or phrase"


class BlocklistAction(models.TextChoices):
    REFUSE = "refuse", "refuse it"
    HOLD = "hold", "hold it for review"


class BlocklistQuerySet(UndeletableQuerySet):
    def active(self):
        return self.filter(removed_at=None)


class BlocklistEntry(UndeletableModel):
    """A URL pattern or a word that new content may not carry (refused or held).

    Patterns are plain text, never regular expressions, so no entry can make matching slow.
    Removing an entry keeps the row.
    """

    kind = models.CharField(max_length=8, choices=BlocklistKind.choices)
    pattern = models.CharField(max_length=200)
    action = models.CharField(max_length=8, choices=BlocklistAction.choices)
    reason = models.CharField(max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = BlocklistQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "pattern"],
                condition=Q(removed_at=None),
                name="moderation_blocklist_live_once",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=BlocklistKind.values), name="moderation_blocklist_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(action__in=BlocklistAction.values),
                name="moderation_blocklist_action_valid",
            ),
        ]
        verbose_name_plural = "blocklist entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.pattern}"
