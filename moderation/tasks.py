"""Celery tasks: thin, by id, idempotent. They call moderation.services."""

import random

from celery import shared_task
from django.conf import settings

# A bound on deliveries, worker losses included (retry_on_worker_lost counts against it);
# transient Akismet errors stop earlier, at MODERATION_CHECK_RETRIES.
MAX_DELIVERIES = 10


def backoff(retries: int) -> float:
    """Exponential backoff with full jitter, capped at ten minutes."""
    base = settings.MODERATION_RETRY_BASE_SECONDS * 2**retries
    return random.uniform(base / 2, min(base, 600))  # noqa: S311 - jitter, not security


@shared_task(
    bind=True,
    acks_late=True,
    retry_on_worker_lost=True,
    max_retries=MAX_DELIVERIES,
    default_retry_delay=2,
)
def check_content(self, case_id: int) -> None:
    """Check one case against Akismet; transient failures retry, then wait for a person."""
    from moderation import services
    from moderation.akismet import AkismetUnavailable
    from moderation.models import ReviewReason

    try:
        services.run_check(case_id=case_id)
    except AkismetUnavailable as error:
        services.record_transient_failure(case_id=case_id, error=str(error))
        if self.request.retries >= settings.MODERATION_CHECK_RETRIES:
            services.hold_for_review(case_id=case_id, reason=ReviewReason.ERROR, error=str(error))
            return
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(
    bind=True,
    acks_late=True,
    retry_on_worker_lost=True,
    max_retries=MAX_DELIVERIES,
    default_retry_delay=2,
)
def send_feedback(self, case_id: int, kind: str) -> None:
    """Tell Akismet about a moderator's correction ("ham" or "spam"), exactly once."""
    from moderation import services
    from moderation.akismet import AkismetUnavailable

    try:
        services.send_feedback(case_id=case_id, kind=kind)
    except AkismetUnavailable as error:
        if self.request.retries >= settings.MODERATION_CHECK_RETRIES:
            raise
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(acks_late=True)
def sweep_pending_checks() -> int:
    """Beat: send again the checks a broker outage or a lost worker left waiting."""
    from moderation import services

    return services.resend_stale_checks()
