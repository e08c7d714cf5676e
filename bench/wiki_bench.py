"""Wiki benchmark: time to render a 50 KB article, to save a revision, to serve the pages,
and the worst hostile inputs found, at the size limit, next to a normal article.

DATABASE_URL=postgres://postgres@127.0.0.1:5432/commons .venv/bin/python bench/wiki_bench.py
"""

import random

from harness import Table, count_queries, throwaway_database, timed

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


def fill(unit: str, size: int, head: str = "", tail: str = "") -> str:
    return head + unit * ((size - len(head) - len(tail)) // len(unit)) + tail


# The worst shapes the search found (tests/wiki/test_render_bounds.py generates them), at the
# size limit: the footnote bomb of issue 11, and the slowest and largest of the rest.
WORST_AT_LIMIT = {
    "one footnote referenced 87,000 times": lambda n: fill("x[^1] ", n, tail="\n\n[^1]: n\n"),
    "escaped asterisks, one paragraph": lambda n: fill("\\*", n),
    "inline links, one paragraph": lambda n: fill("[a](b) ", n),
    "200-column table of 1-letter rows": lambda n: fill(
        "a\n", n, head="|" + "a|" * 200 + "\n|" + ":-:|" * 200 + "\n"
    ),
    "headings with contents": lambda n: fill("# h\n\n", n),
}


def render_at_the_limit() -> None:
    """Render time per KB and output bytes per input byte at WIKI_MAX_SOURCE_BYTES."""
    import time

    from django.conf import settings

    from wiki.markup import TooComplexToRender, render_markdown
    from wiki.markup._policy import ARTICLE_CLEANER
    from wiki.markup._render import _plain_text_html

    size = settings.WIKI_MAX_SOURCE_BYTES
    sources = {"normal article": article_text(random.Random(7), size - 1)}
    sources.update({name: make(size) for name, make in WORST_AT_LIMIT.items()})
    print(f"Markdown at the size limit ({size // 1024} KB), one render each")
    print()
    print(f"| {'input':<38} | {'ms':>7} | {'ms/KB':>6} | {'out/in':>6} | result      |")
    print(f"|{'-' * 40}|{'-' * 9}|{'-' * 8}|{'-' * 8}|{'-' * 13}|")
    for name, source in sources.items():
        in_bytes = len(source.encode())
        start = time.perf_counter()
        try:
            html = render_markdown(source)
        except TooComplexToRender:
            html, result = "", "refused"
        ms = (time.perf_counter() - start) * 1000
        if html:
            as_text = html == ARTICLE_CLEANER.clean(_plain_text_html(source))
            result = "plain text" if as_text else "rendered"
        ratio = len(html.encode()) / in_bytes
        print(
            f"| {name:<38} | {ms:7.0f} | {ms / (in_bytes / 1024):6.2f} | {ratio:6.2f} "
            f"| {result:<11} |"
        )
    print()


def main() -> None:
    from django.test import Client

    from wiki.markup import render_markdown
    from wiki.models import Article
    from wiki.services import Contributor, existing_slugs, save_edit

    rng = random.Random(42)
    texts = [article_text(rng) for _ in range(5)]
    editor = Contributor(user=None, name="bench", ip="127.0.0.1")
    table = Table("Wiki, 50 KB articles")
    table.row(
        "render_markdown, 50 KB",
        timed(lambda: render_markdown(texts[0], existing_slugs=existing_slugs), 30),
    )
    from tests.wiki.test_markup import PATHOLOGICAL

    for name, source in PATHOLOGICAL.items():
        table.row(
            f"render hostile 50 KB: {name}"[:46], timed(lambda s=source: render_markdown(s), 1)
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

    table.row("save a revision (render, links), 50 KB", timed(save, 40), count_queries(save))
    client = Client()
    url = Article.objects.get(slug="big-article").get_absolute_url()
    for name, page, runs in [
        ("GET article page, anonymous, 50 KB", url, 100),
        ("GET history page (41 revisions)", url + "history/", 100),
        ("GET diff of two 50 KB revisions", url + "diff/1/2/", 30),
    ]:
        table.row(
            name,
            timed(lambda p=page: client.get(p), runs),
            count_queries(lambda p=page: client.get(p)),
        )
    table.print()


if __name__ == "__main__":
    render_at_the_limit()
    with throwaway_database():
        main()
