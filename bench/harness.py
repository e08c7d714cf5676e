"""Shared bench plumbing: Django in a throwaway test database, timing, one table."""

import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commons.settings")
os.environ.setdefault("COMMONS_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


@contextmanager
def throwaway_database() -> Iterator[None]:
    """Run against a fresh test database (test_<name>) on DATABASE_URL's server."""
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds for each of `runs` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def count_queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


class Table:
    def __init__(self, title: str) -> None:
        self.lines = [
            f"{title} ({connection.vendor}; times in ms)",
            "",
            f"| {'what':<46} | {'median':>8} | {'p95':>8} | {'runs':>5} | {'queries':>7} |",
            f"|{'-' * 48}|{'-' * 10}|{'-' * 10}|{'-' * 7}|{'-' * 9}|",
        ]

    def row(self, name: str, times: list[float], queries: int | str = "") -> None:
        p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
        median = statistics.median(times)
        self.lines.append(
            f"| {name:<46} | {median:8.2f} | {p95:8.2f} | {len(times):5d} | {queries!s:>7} |"
        )

    def print(self) -> None:
        print("\n".join(self.lines))
