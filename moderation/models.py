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
