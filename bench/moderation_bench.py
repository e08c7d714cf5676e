"""Moderation benchmark: spam checks per second through one Celery worker against the
loopback fake Akismet, and the time from a post to its verdict.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commons_bench \
        .venv/bin/python bench/moderation_bench.py

Needs redis-server; starts its own Redis, fake Akismet and worker (prefork, concurrency 1).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from harness import Table, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
CHECKS = 300
POSTS = 60


def main() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from comments.models import Comment
    from comments.services import CommentAuthor, post_comment
    from commons.celery import app as celery_app
    from moderation.models import ModerationCase
    from moderation.tasks import check_content
    from tests.fakes.akismet import FakeAkismet, FakeAkismetServer
    from tests.fakes.redis import PrivateRedis
    from wiki.services import Contributor, save_edit

    if connection.vendor != "postgresql":
        # The worker is another process: it cannot share the throwaway in-memory database.
        print("Moderation benchmark skipped: it needs DATABASE_URL=postgres://...")  # noqa: T201
        return
    redis = PrivateRedis()
    redis.start()
    fake = FakeAkismet()
    server = FakeAkismetServer(fake)
    server.start()
    settings.AKISMET_API_KEY = "test-key"
    settings.AKISMET_BLOG_URL = "http://commons.test/"
    settings.AKISMET_API_URL = server.url
    celery_app.conf.update(broker_url=redis.url, task_always_eager=False)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": redis.url,
        "PYTHON_AKISMET_API_KEY": "test-key",
        "PYTHON_AKISMET_BLOG_URL": "http://commons.test/",
        "AKISMET_API_URL": server.url,
        "COMMONS_TESTING": "1",
        "LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "60",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own worker
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
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        staff = get_user_model().objects.create_user("bench", is_staff=True)
        article = save_edit(
            slug="x",
            title="Bench",
            source="Text.\n",
            base_number=None,
            contributor=Contributor(user=staff, name="bench"),
        ).revision.article
        anonymous = CommentAuthor(name="Robin", email="robin@example.test", ip="127.0.0.1")
        table = Table("Moderation through one worker")

        # Warm the worker up, then measure latency: post (commit), task, Akismet, verdict.
        latencies = []
        for i in range(POSTS):
            started = time.perf_counter()
            with transaction.atomic():
                comment = post_comment(article=article, body=f"Post {i}", author=anonymous)
            while Comment.objects.filter(pk=comment.pk, status="published").count() == 0:
                time.sleep(0.002)
            latencies.append((time.perf_counter() - started) * 1000)
        table.row("post to verdict (one at a time)", latencies[5:])

        # Throughput: queue CHECKS cases at once and time until all are checked.
        cases = []
        with transaction.atomic():
            settings.AKISMET_API_KEY = ""  # open the cases without sending their tasks
            for i in range(CHECKS):
                comment = post_comment(article=article, body=f"Batch {i}", author=anonymous)
                cases.append(ModerationCase.objects.get(object_id=comment.pk))
            settings.AKISMET_API_KEY = "test-key"
            ModerationCase.objects.filter(pk__in=[c.pk for c in cases]).update(
                state="queued", review_reason=""
            )
        started = time.perf_counter()
        for case in cases:
            check_content.delay(case.pk)
        while ModerationCase.objects.filter(pk__in=[c.pk for c in cases], state="queued").exists():
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        table.print()
        print(
            f"\n{CHECKS} checks in {elapsed:.1f} s through one worker: "  # noqa: T201
            f"{CHECKS / elapsed:.1f} checks per second"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.stop()
        redis.stop()


if __name__ == "__main__":
    with throwaway_database():
        main()
