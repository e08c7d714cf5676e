"""Simultaneous saves on PostgreSQL: consecutive numbers, nothing lost, nothing half-done."""

import threading

import pytest
from django.db import connection

from tests.conftest import contributor
from tests.wiki.helpers import make_article
from wiki import services
from wiki.models import Revision

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _run_in_threads(work):
    barrier = threading.Barrier(THREADS)
    outcomes = [None] * THREADS

    def run(index):
        try:
            barrier.wait()
            outcomes[index] = work(index)
        except Exception as error:  # noqa: BLE001 - the test reports every outcome
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_simultaneous_edits_on_different_lines_all_land_with_consecutive_numbers(user):
    lines = [f"line {i}\n" for i in range(THREADS * 2)]
    article = make_article(texts=("".join(lines),), user=user)

    def edit(index):
        mine = list(lines)
        mine[index * 2] = f"line {index * 2} edited by thread {index}\n"
        return services.save_edit(
            slug=article.slug,
            title=article.title,
            source="".join(mine),
            base_number=1,
            contributor=contributor(user),
        )

    outcomes = _run_in_threads(edit)
    assert all(isinstance(o, services.SaveResult) for o in outcomes), outcomes
    numbers = sorted(Revision.objects.filter(article=article).values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 2))
    article.refresh_from_db()
    final = article.current_revision.source
    for index in range(THREADS):
        assert f"edited by thread {index}\n" in final


def test_simultaneous_overlapping_edits_either_land_or_conflict_never_vanish(user):
    article = make_article(texts=("contested line\n",), user=user)

    def edit(index):
        return services.save_edit(
            slug=article.slug,
            title=article.title,
            source=f"version {index}\n",
            base_number=1,
            contributor=contributor(user),
        )

    outcomes = _run_in_threads(edit)
    saved = [o for o in outcomes if isinstance(o, services.SaveResult)]
    conflicts = [o for o in outcomes if isinstance(o, services.EditConflict)]
    assert len(saved) == 1
    assert len(conflicts) == THREADS - 1
    assert Revision.objects.filter(article=article).count() == 2


def test_simultaneous_creations_of_one_article_make_one_article(user):
    def create(index):
        return services.save_edit(
            slug="race",
            title="Race",
            source=f"text {index}\n",
            base_number=None,
            contributor=contributor(user),
        )

    outcomes = _run_in_threads(create)
    saved = [o for o in outcomes if isinstance(o, services.SaveResult)]
    refused = [o for o in outcomes if not isinstance(o, services.SaveResult)]
    assert len(saved) == 1
    # A creator who lost the race by a hair is told the address was just taken; one who
    # arrives after the winner committed meets its text as an edit conflict. Either way
    # nothing of theirs is saved and their text is handed back.
    assert all(
        isinstance(o, services.EditConflict)
        or not isinstance(o, Exception)
        or "already" in str(o)
        or "just created" in str(o)
        for o in refused
    ), refused
    assert Revision.objects.filter(article__slug="race").count() == 1
