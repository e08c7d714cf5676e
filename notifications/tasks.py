"""Celery tasks: thin, by id, idempotent (each notice is made and each e-mail sent once per
event and recipient).

They call notifications.mail; a mail server that is down or refuses for now is retried
with backoff, and the e-mails already sent are not sent again.
"""

import smtplib

from celery import shared_task

from moderation.tasks import backoff
from notifications import mail

MAX_RETRIES = 8
# What a mail server that is down, slow or busy raises; anything else is a bug.
TRANSIENT = (smtplib.SMTPException, OSError)


@shared_task(bind=True, acks_late=True, retry_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_revision_mails(self, revision_id: int) -> int:
    """Tell the watchers of a revision's article."""
    try:
        return mail.send_revision_mails(revision_id=revision_id)
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(bind=True, acks_late=True, retry_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_comment_mails(self, comment_id: int) -> int:
    """Tell about a newly published comment: replies, watchers, its author's confirmation."""
    try:
        return mail.send_comment_mails(comment_id=comment_id)
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(bind=True, acks_late=True, retry_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_confirmation_mail(self, subscription_id: int) -> int:
    """Ask an anonymous commenter to confirm their subscription."""
    try:
        return mail.send_confirmation_mail(subscription_id=subscription_id)
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(bind=True, acks_late=True, retry_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_mentions(self, kind: str, object_id: int) -> int:
    """Tell the people a published comment or edit summary mentions."""
    from notifications import mentions

    try:
        return mentions.send_mentions(kind=kind, object_id=object_id)
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error


@shared_task(bind=True, acks_late=True, retry_on_worker_lost=True, max_retries=MAX_RETRIES)
def send_moderation_mails(self, moderation_event_id: int, reason: str) -> int:
    """Tell an author what was decided about their content (`reason`: the moderator's)."""
    try:
        return mail.send_moderation_mails(moderation_event_id=moderation_event_id, reason=reason)
    except TRANSIENT as error:
        raise self.retry(exc=error, countdown=backoff(self.request.retries)) from error
