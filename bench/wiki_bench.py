"""Wiki benchmark: time to render a 50 KB article, to save a revision, to serve the page.

Runs against DATABASE_URL (SQLite by default) in a throwaway test database:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commons .venv/bin/python bench/wiki_bench.py
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commons.settings")
os.environ.setdefault("COMMONS_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

WORDS = [
    *("commons", "community", "river", "garden", "share", "value", "peer", "production"),
    *("volunteer", "license", "knowledge", "steward", "rule", "monitor", "sanction"),
    *("boundary", "neighbour", "library", "code", "map"),
]


def paragraph(rng: random.Random, words: int = 80) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def article_text(rng: random.Random, size: int = 50_000) -> str:
    """Markdown of about `size` bytes: sections, lists, a table, code, links."""
    parts: list[str] = []
    section = 0
    while sum(len(p) + 2 for p in parts) < size:
        section += 1
        parts.append(f"## Section {section}")
        parts.append(
            paragraph(rng)
            + f" See [[Topic {rng.randint(1, 40)}]] and https://example.org/{section}."
        )
        parts.append("\n".join(f"- {paragraph(rng, 8)}" for _ in range(5)))
        parts.append(
            "| a | b | c |\n|---|:-:|--:|\n"
            + "\n".join(f"| {i} | {i * 2} | {i * 3} |" for i in range(5))
        )
        parts.append(
            "```python\n"
            + "\n".join(f"value_{i} = {i} * 2  # {rng.choice(WORDS)}" for i in range(8))
            + "\n```"
        )
    return "\n\n".join(parts)[:size] + "\n"


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def row(name: str, times: list[float], queries: int | str = "") -> str:
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)
    median = statistics.median(times)
    return f"| {name:<38} | {median:8.2f} | {p95:8.2f} | {len(times):5d} | {queries!s:>7} |"


def main() -> None:
    from wiki.markup import render_markdown
    from wiki.models import Article
    from wiki.services import Contributor, existing_slugs, save_edit

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rng = random.Random(42)
        texts = [article_text(rng) for _ in range(5)]
        editor = Contributor(user=None, name="bench", ip="127.0.0.1")
        lines = [f"{connection.vendor}, 50 KB articles, times in ms", ""]
        lines.append(
            f"| {'what':<38} | {'median':>8} | {'p95':>8} | {'runs':>5} | {'queries':>7} |"
        )
        lines.append(f"|{'-' * 40}|{'-' * 10}|{'-' * 10}|{'-' * 7}|{'-' * 9}|")
        lines.append(
            row(
                "render_markdown, 50 KB",
                timed(lambda: render_markdown(texts[0], existing_slugs=existing_slugs), 30),
            )
        )

        state = {"base": None, "i": 0}

        def save() -> None:
            state["i"] += 1
            result = save_edit(
                slug="big-article",
                title="Big article",
                source=texts[state["i"] % len(texts)] + f"\nEdit {state['i']}.\n",
                base_number=state["base"],
                contributor=editor,
            )
            state["base"] = result.revision.number

        with CaptureQueriesContext(connection) as captured:
            save()
        lines.append(row("save a revision (render, links), 50 KB", timed(save, 40), len(captured)))

        client = Client()
        url = Article.objects.get(slug="big-article").get_absolute_url()
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        lines.append(
            row(
                "GET article page, anonymous, 50 KB",
                timed(lambda: client.get(url), 100),
                len(captured),
            )
        )
        history = url + "history/"
        with CaptureQueriesContext(connection) as captured:
            client.get(history)
        lines.append(
            row(
                "GET history page (41 revisions)",
                timed(lambda: client.get(history), 100),
                len(captured),
            )
        )
        diff = url + "diff/1/2/"
        with CaptureQueriesContext(connection) as captured:
            client.get(diff)
        lines.append(
            row(
                "GET diff of two 50 KB revisions",
                timed(lambda: client.get(diff), 30),
                len(captured),
            )
        )
        print("\n".join(lines))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
