"""The spam-check pipeline in-process: post, commit, task, Akismet (fake), verdict.

Tasks run eagerly here (no REDIS_URL); tests/moderation/test_worker.py runs a real worker.
"""

from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from comments.models import Comment
from commons.celery import app as celery_app
from moderation import services
from moderation.models import (
    NOT_SENT,
    CheckState,
    ModerationCase,
    ModerationEvent,
    ReviewReason,
    Verdict,
)
from moderation.states import Status
from tests.comments.helpers import anonymous, post, signed_in
from tests.conftest import contributor
from tests.fakes.akismet import BLATANT_MARKER, SPAM_AUTHOR
from tests.fakes.redis import free_port
from tests.moderation.queue_helpers import case_of
from tests.wiki.helpers import make_article
from wiki import services as wiki_services
from wiki.models import Revision

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(moderator):
    return make_article(title="Gardens", texts=("Shared gardens.\n",), user=moderator)


def test_ham_is_published_and_the_move_is_logged(akismet_fake, article, committed):
    comment = committed(post, article, "Lovely gardens.")
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    case = case_of(comment)
    assert (case.state, case.verdict) == (CheckState.CHECKED, Verdict.HAM)
    moves = list(case.events.order_by("id").values_list("to_status", "actor_kind"))
    assert moves == [(Status.PENDING, "system"), (Status.PUBLISHED, "akismet")]


def test_akismet_gets_every_field_it_uses(akismet_fake, article, committed):
    first = committed(post, article, "Top", author=signed_in(article.current_revision.author))
    committed(
        post,
        article,
        "A reply with words",
        author=anonymous(name="Robin", email="robin@example.test", url="https://robin.test"),
        parent=first,
    )
    params = akismet_fake.calls_to("comment-check")[-1].params
    assert params["user_ip"] == "198.51.100.9"
    assert params["comment_type"] == "reply"
    assert params["comment_author"] == "Robin"
    assert params["comment_author_email"] == "robin@example.test"
    assert params["comment_author_url"] == "https://robin.test"
    assert params["comment_content"] == "A reply with words"
    assert params["permalink"] == "http://commons.test/wiki/gardens/"
    assert params["blog_lang"] == "en" and params["blog_charset"] == "UTF-8"
    assert params["is_test"] == "1"
    for name in ("comment_date_gmt", "comment_post_modified_gmt", "blog", "api_key"):
        assert params[name], name


def test_staff_are_sent_as_administrators(article, django_user_model):
    from comments.moderation import CommentAdapter

    staff = django_user_model.objects.create_user("staffer", is_staff=True)
    comment = post(article, "Official note", author=signed_in(staff))
    assert CommentAdapter().submission(comment).fields["user_role"] == "administrator"
    assert "user_role" not in CommentAdapter().submission(post(article, "Hi")).fields


def test_spam_waits_in_the_queue_and_blatant_spam_is_discarded(akismet_fake, article, committed):
    spam = committed(post, article, "Buy now", author=anonymous(name=SPAM_AUTHOR))
    blatant = committed(post, article, f"Buy {BLATANT_MARKER}", author=anonymous(name=SPAM_AUTHOR))
    for comment in (spam, blatant):
        comment.refresh_from_db()
        assert comment.status == Status.SPAM
    assert list(ModerationCase.objects.spam()) == [case_of(spam)]
    assert list(ModerationCase.objects.discarded()) == [case_of(blatant)]
    assert case_of(blatant).verdict == Verdict.DISCARD


def test_transient_errors_retry_then_wait_for_a_person(akismet_fake, article, committed, settings):
    settings.MODERATION_CHECK_RETRIES = 3
    akismet_fake.fail_next = 100
    comment = committed(post, article, "Hello")
    comment.refresh_from_db()
    case = case_of(comment)
    assert comment.status == Status.PENDING
    assert (case.state, case.review_reason) == (CheckState.NEEDS_REVIEW, ReviewReason.ERROR)
    assert case.attempts == 4
    assert "500" in case.last_error
    assert len(akismet_fake.calls_to("comment-check")) == 4


def test_a_brief_outage_ends_in_a_verdict(akismet_fake, article, committed):
    akismet_fake.fail_next = 2
    comment = committed(post, article, "Hello")
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert case_of(comment).attempts == 3


def test_a_bad_key_is_not_retried_and_the_moderators_are_told(
    akismet_fake, article, committed, settings
):
    cache.clear()
    settings.AKISMET_API_KEY = "wrong-key"
    comment = committed(post, article, "Hello")
    case = case_of(comment)
    assert (case.state, case.review_reason) == (CheckState.NEEDS_REVIEW, ReviewReason.MISCONFIGURED)
    assert len(akismet_fake.calls_to("comment-check")) == 1
    assert "misconfigured" in services.akismet_problem()


def test_a_malformed_reply_is_not_retried(akismet_fake, article, committed):
    akismet_fake.malformed_next = 1
    comment = committed(post, article, "Hello")
    assert case_of(comment).review_reason == ReviewReason.MISCONFIGURED
    assert len(akismet_fake.calls_to("comment-check")) == 1


def test_without_a_key_nothing_is_sent_and_the_queue_says_why(article, committed, settings):
    settings.AKISMET_API_KEY = ""
    comment = committed(post, article, "Hello")
    case = case_of(comment)
    assert (case.state, case.review_reason) == (CheckState.NEEDS_REVIEW, ReviewReason.NO_KEY)
    assert "No Akismet key" in services.akismet_problem()


def test_a_verdict_applied_twice_changes_nothing(akismet_fake, article, committed):
    comment = committed(post, article, "Hello")
    case = case_of(comment)
    events = case.events.count()
    services.apply_verdict(case_id=case.pk, verdict=Verdict.SPAM)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert case.events.count() == events


def test_a_late_verdict_never_overrides_a_moderator(akismet_fake, article, moderator, settings):
    settings.AKISMET_API_KEY = "test-key"
    comment = post(article, "Hello", author=anonymous(name=SPAM_AUTHOR))  # task not yet run
    case = case_of(comment)
    services.approve(case=case, moderator=moderator)
    services.run_check(case_id=case.pk)
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert akismet_fake.calls_to("comment-check") == []


def test_correcting_akismet_sends_feedback_exactly_once(
    akismet_fake, article, moderator, committed
):
    spam = committed(post, article, "Not spam really", author=anonymous(name=SPAM_AUTHOR))
    committed(services.approve, case=case_of(spam), moderator=moderator)
    services.send_feedback(case_id=case_of(spam).pk, kind="ham")
    assert len(akismet_fake.calls_to("submit-ham")) == 1
    ham = committed(post, article, "Sneaky spam")
    committed(services.mark_spam, case=case_of(ham), moderator=moderator)
    services.send_feedback(case_id=case_of(ham).pk, kind="spam")
    assert len(akismet_fake.calls_to("submit-spam")) == 1
    assert akismet_fake.calls_to("submit-spam")[0].params["comment_content"] == "Sneaky spam"


def test_moderator_decisions_without_akismet_verdicts_send_no_feedback(
    article, moderator, committed
):
    comment = committed(post, article, "Held")
    case = committed(services.mark_spam, case=case_of(comment), moderator=moderator)
    assert case.spam_submitted_at is None


def test_untrusted_edits_go_live_and_spam_is_reverted_and_hidden(
    akismet_fake, article, user, committed
):
    result = committed(
        wiki_services.save_edit,
        slug="gardens",
        title="Gardens",
        source="Shared gardens.\nakismet-guaranteed-spam pills\n",
        base_number=1,
        contributor=contributor(user),
    )
    params = akismet_fake.calls_to("comment-check")[0].params
    assert params["comment_type"] == "wiki-edit"
    assert params["comment_content"] == "akismet-guaranteed-spam pills"
    spam = Revision.objects.get(pk=result.revision.pk)
    article.refresh_from_db()
    current = article.current_revision
    assert current.number == 3 and current.source == "Shared gardens.\n"
    assert current.summary == "Reverted spam (revision 2)"
    assert spam.is_hidden
    assert case_of(spam).status == Status.SPAM


def test_spam_under_newer_edits_waits_for_a_person(
    akismet_fake, article, user, moderator, settings
):
    settings.AKISMET_API_KEY = "test-key"
    result = wiki_services.save_edit(
        slug="gardens",
        title="Gardens",
        source="Shared gardens.\nakismet-guaranteed-spam\n",
        base_number=1,
        contributor=contributor(user),
    )
    wiki_services.save_edit(
        slug="gardens",
        title="Gardens",
        source="Shared gardens, fixed.\n",
        base_number=2,
        contributor=contributor(moderator),
    )
    case = case_of(result.revision)
    services.run_check(case_id=case.pk)
    case.refresh_from_db()
    assert (case.state, case.review_reason) == (
        CheckState.NEEDS_REVIEW,
        ReviewReason.SPAM_UNDER_NEWER,
    )
    article.refresh_from_db()
    assert article.current_revision.number == 3


def test_the_sweeper_resends_checks_left_waiting(akismet_fake, article, settings):
    settings.MODERATION_SWEEP_AFTER_SECONDS = 0
    comment = post(article, "Lost in the outage")  # on_commit never ran: the send was lost
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    assert services.resend_stale_checks() == 1
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED


@contextmanager
def broker_down():
    """The Celery broker is a closed port on this machine: every send fails at once."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=f"redis://127.0.0.1:{free_port()}/0", task_always_eager=False)
    celery_app._after_fork()  # forget the pooled connections: the next send uses the port
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        celery_app._after_fork()


def test_a_check_the_broker_refused_is_sent_by_the_first_sweep_whatever_its_age(
    akismet_fake, article, committed
):
    with broker_down():
        comment = committed(post, article, "Posted while the broker was down")
    assert case_of(comment).queued_at == NOT_SENT
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    # The broker is back (tasks run in-process again); the default wait of five minutes
    # is for checks that were sent, not for these.
    assert services.resend_stale_checks() == 1
    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED


def test_a_check_sent_a_moment_ago_waits_for_its_answer_not_for_the_sweep(akismet_fake, article):
    comment = post(article, "Sent, and the worker is on it")  # on_commit not run: in flight
    assert case_of(comment).queued_at != NOT_SENT
    assert services.resend_stale_checks() == 0
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING


def test_the_sweeper_runs_often_enough_to_check_within_a_minute_of_the_broker_returning():
    # The worker reconnects at most 30 s apart (kombu's interval_max), and beat's sweep
    # that follows the broker's return is at most one period away: together within 60 s.
    assert django_settings.CELERY_BEAT_SCHEDULE["sweep-pending-checks"]["schedule"] <= 30
    assert django_settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("interval_max", 30) <= 30


def test_every_move_is_logged(akismet_fake, article, moderator, committed):
    comment = committed(post, article, "Hello")
    committed(services.mark_spam, case=case_of(comment), moderator=moderator)
    events = ModerationEvent.objects.filter(case=case_of(comment)).order_by("id")
    assert [(e.from_status, e.to_status, e.actor_kind) for e in events] == [
        ("", Status.PENDING, "system"),
        (Status.PENDING, Status.PUBLISHED, "akismet"),
        (Status.PUBLISHED, Status.SPAM, "moderator"),
    ]
    assert events.last().actor == moderator
