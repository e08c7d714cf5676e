"""The whole path with real parts: post over HTTP, commit, a real Celery worker on Redis,
the real akismet client over HTTP to the fake Akismet on 127.0.0.1, verdict, page.

Each test gets its own redis-server (so one can be stopped and started again) and its own
fake Akismet server. Outages are real: the server or Redis is down, a worker child is killed.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from commons.celery import app as celery_app
from moderation.models import NOT_SENT, ModerationCase, ModerationEvent
from moderation.states import Status
from tests.factories import UserFactory
from tests.fakes.akismet import FakeAkismet, FakeAkismetServer
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake_akismet(settings):
    fake = FakeAkismet()
    with FakeAkismetServer(fake) as server:
        settings.AKISMET_API_KEY = "test-key"
        settings.AKISMET_BLOG_URL = "http://commons.test/"
        settings.AKISMET_API_URL = server.url
        settings.MODERATION_RETRY_BASE_SECONDS = 0.3
        settings.MODERATION_CHECK_RETRIES = 20
        yield fake, server


@pytest.fixture
def broker(redis_server):
    """Point the project's Celery app at the private Redis, as REDIS_URL would."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=redis_server.url, task_always_eager=False)
    _forget_connections()
    yield redis_server
    _forget_connections()
    celery_app.conf.update(saved)


def _forget_connections() -> None:
    """Drop pooled broker connections so the next publish uses the current broker_url."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._after_fork()
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(broker):
    from celery.contrib.testing.worker import start_worker

    with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False):
        yield


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is `pid`, read from /proc."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def wait_for(condition, timeout=30.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def post_anonymous(article, body):
    response = Client().post(
        f"/wiki/{article.slug}/comments/",
        {"body": body, "name": "Robin", "email": "robin@example.test"},
    )
    assert response.status_code == 302
    from comments.models import Comment

    return Comment.objects.get(body=body)


def status_of(comment):
    comment.refresh_from_db()
    return comment.status


def test_a_posted_comment_is_checked_by_the_worker_and_published(fake_akismet, worker):
    fake, _ = fake_akismet
    article = make_article(title="Gardens", user=UserFactory(is_staff=True))
    comment = post_anonymous(article, "Lovely gardens.")
    wait_for(lambda: status_of(comment) == Status.PUBLISHED, what="the verdict")
    assert "Lovely gardens." in Client().get("/wiki/gardens/").content.decode()
    assert len(fake.calls_to("comment-check")) == 1


def test_akismet_down_then_back_loses_nothing(fake_akismet, worker):
    fake, server = fake_akismet
    article = make_article(title="Gardens", user=UserFactory(is_staff=True))
    server.stop()
    comment = post_anonymous(article, "Posted during the outage.")
    case = ModerationCase.objects.get(object_id=comment.pk)
    wait_for(lambda: ModerationCase.objects.get(pk=case.pk).attempts >= 2, what="retries")
    assert status_of(comment) == Status.PENDING
    server.start()
    wait_for(lambda: status_of(comment) == Status.PUBLISHED, what="the verdict after the outage")
    assert ModerationEvent.objects.filter(case=case, to_status=Status.PUBLISHED).count() == 1


def test_redis_down_at_post_time_then_one_sweep_after_it_returns_sends_the_check(
    fake_akismet, broker, redis_server
):
    from celery.contrib.testing.worker import start_worker

    from moderation.tasks import sweep_pending_checks

    fake, _ = fake_akismet
    article = make_article(title="Gardens", user=UserFactory(is_staff=True))
    # Redis is down: the post must still answer at once, with the comment saved as pending.
    redis_server.stop()
    started = time.monotonic()
    comment = post_anonymous(article, "Posted while Redis was down.")
    assert time.monotonic() - started < 10
    assert status_of(comment) == Status.PENDING
    assert ModerationCase.objects.get(object_id=comment.pk).queued_at == NOT_SENT
    assert fake.calls_to("comment-check") == []
    # Redis is back, with a worker (a real deployment restarts its workers with the broker;
    # the embedded test worker does not survive losing its broker). The first sweep sends
    # the check, though the comment is far younger than MODERATION_SWEEP_AFTER_SECONDS.
    redis_server.start()
    with start_worker(celery_app, pool="threads", concurrency=2, perform_ping_check=False):
        sweep_pending_checks.delay()
        wait_for(
            lambda: status_of(comment) == Status.PUBLISHED,
            timeout=60,
            what="the first sweep to send the check",
        )
    assert len(fake.calls_to("comment-check")) == 1


def test_a_worker_killed_mid_check_is_redelivered_and_the_verdict_applied_once(
    fake_akismet, broker
):
    fake, server = fake_akismet
    fake.delay = 5.0
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": broker.url,
        "PYTHON_AKISMET_API_KEY": "test-key",
        "PYTHON_AKISMET_BLOG_URL": "http://commons.test/",
        "AKISMET_API_URL": server.url,
        "COMMONS_TESTING": "1",
    }
    worker_process = subprocess.Popen(  # noqa: S603 - our own worker
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "commons",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        article = make_article(title="Gardens", user=UserFactory(is_staff=True))
        comment = post_anonymous(article, "Checked twice, applied once.")
        wait_for(lambda: len(fake.calls_to("comment-check")) == 1, what="the first check")
        children = child_pids(worker_process.pid)
        assert children, "the worker has no pool process"
        fake.delay = 0
        for child in children:
            os.kill(child, signal.SIGKILL)
        wait_for(lambda: status_of(comment) == Status.PUBLISHED, timeout=60, what="redelivery")
        assert len(fake.calls_to("comment-check")) >= 2
        case = ModerationCase.objects.get(object_id=comment.pk)
        assert ModerationEvent.objects.filter(case=case, to_status=Status.PUBLISHED).count() == 1
        assert worker_process.poll() is None, "the worker itself died"
    finally:
        worker_process.terminate()
        try:
            worker_process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker_process.kill()
