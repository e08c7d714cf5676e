"""Search benchmark: 10,000 articles of 2-50 KB, then 200 searches of varied words.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commons_search \\
    .venv/bin/python bench/search_bench.py

Seeding takes the fast path (bulk rows whose texts are plain paragraphs, so each is its
own search text, then one UPDATE for every search vector, with the same expression as
wiki.search.search_fields); searching goes through the real /search/ page.
"""

import random
import time

from harness import Table, count_queries, throwaway_database, timed

ARTICLES = 10_000
BATCH = 500
SEARCHES = 200
SYLLABLES = [
    *("ka", "lo", "mi", "ra", "ten", "vel", "dor", "sa", "qu", "ni", "bel", "fon", "gri", "ush"),
    *("ar", "po", "lin", "ex", "mar", "zo", "th", "ic", "wen", "da"),
]
COMMON = [
    *("commons", "community", "river", "garden", "share", "value", "peer", "production"),
    *("volunteer", "license", "knowledge", "steward", "rule", "monitor", "sanction"),
    *("boundary", "neighbour", "library", "code", "map", "the", "and", "of", "a", "to"),
]


def vocabulary(rng: random.Random, size: int = 6_000) -> list[str]:
    words = set(COMMON)
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def text_of(rng: random.Random, words: list[str], weights: list[float], size: int) -> str:
    """About `size` characters of paragraphs in Zipf-distributed words."""
    count = size // 7
    chosen = rng.choices(words, weights=weights, k=count)
    paragraphs = [" ".join(chosen[i : i + 90]) + "." for i in range(0, count, 90)]
    return "\n\n".join(paragraphs)[:size] + "\n"


def seed(rng: random.Random, words: list[str]) -> int:
    """Bulk-insert the articles and their one revision each; return the text bytes."""
    from django.db import connection, transaction

    from wiki.models import Article, Revision
    from wiki.search import reindex_all

    weights = [1 / (rank + 1) for rank in range(len(words))]
    rng.shuffle(weights)
    total = 0
    for start in range(0, ARTICLES, BATCH):
        with transaction.atomic():
            articles = []
            for number in range(start, start + BATCH):
                title = f"{rng.choice(words).capitalize()} {rng.choice(words)} {number}"
                source = text_of(rng, words, weights, rng.randint(2_000, 50_000))
                articles.append(Article(slug=f"article-{number}", title=title, search_text=source))
            Article.objects.bulk_create(articles)
            revisions = []
            for article in articles:
                source = article.search_text
                size = len(source.encode())
                total += size
                revisions.append(
                    Revision(
                        article=article,
                        number=1,
                        title=article.title,
                        source=source,
                        html="",
                        size=size,
                        size_change=size,
                        author_name="bench",
                    )
                )
            Revision.objects.bulk_create(revisions)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wiki_article AS a SET current_revision_id = r.id"
            " FROM wiki_revision AS r WHERE r.article_id = a.id AND r.number = 1"
        )
    started = time.perf_counter()
    reindexed = reindex_all()
    print(f"search vectors of {reindexed:,} articles in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:
        # Flush the GIN index's pending list, as autovacuum would: a bulk UPDATE leaves
        # every new entry there, and the planner then prices the index out of use.
        cursor.execute("VACUUM ANALYZE wiki_article")
        cursor.execute("ANALYZE wiki_revision")
    return total


def queries(rng: random.Random, words: list[str]) -> list[str]:
    """Varied searches: common and rare words, pairs, phrases, exclusions, misses."""
    found = []
    for i in range(SEARCHES):
        a, b = rng.choice(words), rng.choice(words)
        kind = i % 6
        found.append(
            [
                a,
                f"{a} {b}",
                f'"{a} {b}"',
                f"{a} -{b}",
                f"{a} or {b}",
                rng.choice(COMMON[:20]),
            ][kind]
        )
    return found


def main() -> None:
    from django.db import connection
    from django.test import Client

    from wiki.search import PAGE_SIZE

    rng = random.Random(5)
    words = vocabulary(rng)
    started = time.perf_counter()
    total = seed(rng, words)
    print(
        f"seeded {ARTICLES:,} articles, {total / 1e6:.0f} MB of text, "
        f"in {time.perf_counter() - started:.0f} s"
    )
    client = Client()
    searches = queries(rng, words)
    state = {"i": 0}

    def search_page() -> None:
        query = searches[state["i"] % len(searches)]
        state["i"] += 1
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, (query, response.status_code)

    def suggest() -> None:
        prefix = searches[state["i"] % len(searches)].strip('"')[:3]
        state["i"] += 1
        assert client.get("/search/suggest/", {"q": prefix}).status_code == 200

    table = Table(f"Search, {ARTICLES:,} articles of 2-50 KB, {PAGE_SIZE} hits a page")
    client.get("/search/", {"q": "warm up"})
    table.row(
        f"GET /search/?q=, {SEARCHES} varied queries",
        timed(search_page, SEARCHES),
        count_queries(lambda: client.get("/search/", {"q": "commons river"})),
    )
    state["i"] = 0
    table.row(
        "GET /search/suggest/?q= (3-letter prefixes)",
        timed(suggest, SEARCHES),
        count_queries(lambda: client.get("/search/suggest/", {"q": "com"})),
    )
    table.print()
    hits = client.get("/search/", {"q": "commons river"}).context["page"].paginator.count
    print(f"\n'commons river' matches {hits:,} articles on {connection.vendor}")


if __name__ == "__main__":
    with throwaway_database():
        main()
