"""16 threads with their own connections post into the same and different articles at once."""

import threading

import pytest
from django.db import connection
from django.test import Client

from comments.models import Comment
from comments.trees import tree_problems
from tests.comments.helpers import post, signed_in
from tests.factories import UserFactory
from tests.wiki.helpers import make_article

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16
POSTS_EACH = 6


def test_parallel_posts_all_land_and_every_tree_stays_valid(settings):
    settings.COMMENTS_RATE_LIMIT = "1000/60"
    poster = UserFactory(username="poster", is_staff=True)
    shared = make_article(title="Shared", user=poster)
    own = [make_article(title=f"Own {i}", user=poster) for i in range(4)]
    seed = post(shared, "seed", author=signed_in(poster))
    barrier = threading.Barrier(THREADS)
    failures: list[str] = []

    def work(index):
        client = Client()
        client.force_login(poster)
        try:
            barrier.wait()
            for n in range(POSTS_EACH):
                target = shared if index % 2 == 0 else own[(index // 2) % 4]
                parent = ""
                if n % 2 and target is shared:
                    parent = seed.pk
                response = client.post(
                    f"/wiki/{target.slug}/comments/",
                    {"body": f"thread {index} post {n}", "parent": parent},
                )
                if response.status_code != 302:
                    failures.append(f"{index}/{n}: {response.status_code}")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert Comment.objects.comments().count() == 1 + THREADS * POSTS_EACH
    for tree_id in Comment.objects.filter(parent__isnull=True).values_list("tree_id", flat=True):
        assert tree_problems(tree_id) == [], tree_id
    roots = Comment.objects.filter(parent__isnull=True).values_list("article_id", flat=True)
    assert sorted(roots) == sorted([shared.pk, *(a.pk for a in own)])
