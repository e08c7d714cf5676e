"""Realistic bench data, written in bulk: articles of 2-50 KB Markdown, one big article
with thousands of revisions and a deep discussion, and comments spread over the rest.

Every text goes through the real renderer (wiki.markup); only the writes skip the
services, which would take hours for this much data. Nested-set numbers for the comment
trees are computed here and checked with comments.trees.tree_problems afterwards.
"""

from __future__ import annotations

import multiprocessing
import random
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from comments.models import Comment
from comments.trees import tree_problems
from moderation.states import Status
from wiki.markup import render_article, render_comment_markdown
from wiki.models import Article, Revision, WikiLink
from wiki.search import reindex_all

BIG_SLUG = "the-commons"
SMALL_SLUG = "small-article"
PASSWORD = "bench-password-not-secret"  # noqa: S105 - a throwaway bench database
BATCH = 250
SYLLABLES = [
    *("ka", "lo", "mi", "ra", "ten", "vel", "dor", "sa", "qu", "ni", "bel", "fon", "gri", "ush"),
    *("ar", "po", "lin", "ex", "mar", "zo", "th", "ic", "wen", "da"),
]
COMMON = [
    *("commons", "community", "river", "garden", "share", "value", "peer", "production"),
    *("volunteer", "license", "knowledge", "steward", "rule", "monitor", "sanction"),
    *("boundary", "neighbour", "library", "code", "map", "the", "and", "of", "a", "to"),
]


@dataclass(frozen=True)
class Scale:
    articles: int = 10_000
    big_revisions: int = 5_000
    big_comments: int = 2_000
    comments: int = 100_000

    def times(self, factor: float) -> Scale:
        return Scale(
            articles=int(self.articles * factor),
            big_revisions=self.big_revisions,
            big_comments=self.big_comments,
            comments=int(self.comments * factor),
        )


class Words:
    def __init__(self, rng: random.Random, size: int = 6_000) -> None:
        words = set(COMMON)
        while len(words) < size:
            words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        self.words = sorted(words)
        weights = [1 / (rank + 1) for rank in range(len(self.words))]
        rng.shuffle(weights)
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)

    def pick(self, rng: random.Random, count: int) -> list[str]:
        """Zipf-distributed words, as in real prose."""
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def sentence(self, rng: random.Random, length: int | None = None) -> str:
        text = " ".join(self.pick(rng, length or rng.randint(6, 22)))
        return text[0].upper() + text[1:] + "."


@dataclass
class Writer:
    """Markdown like a wiki's: sections of prose with links, lists, sometimes a table or
    code. Each section renders on its own to the same HTML as inside the whole text."""

    rng: random.Random
    words: Words
    titles: list[str]
    missing_titles: list[str]
    headings: set[str] = field(default_factory=set)

    def link(self) -> str:
        if self.rng.random() < 0.1:
            return f"[[{self.rng.choice(self.missing_titles)}]]"
        return f"[[{self.rng.choice(self.titles)}]]"

    def paragraph(self) -> str:
        sentences = [self.words.sentence(self.rng) for _ in range(self.rng.randint(3, 7))]
        for _ in range(self.rng.randint(0, 2)):
            position = self.rng.randrange(len(sentences))
            sentences[position] = sentences[position][:-1] + f", see {self.link()}."
        if self.rng.random() < 0.3:
            sentences.append(f"More at <https://example.org/{self.rng.choice(self.words.words)}>.")
        if self.rng.random() < 0.3:
            word = self.rng.choice(self.words.words)
            sentences.insert(1, f"It is *{word}*, not **{self.rng.choice(self.words.words)}**.")
        return " ".join(sentences)

    def heading(self) -> str:
        while True:
            text = " ".join(self.words.pick(self.rng, self.rng.randint(2, 4))).capitalize()
            if text not in self.headings:
                self.headings.add(text)
                return f"## {text}"

    def section(self, size: int) -> str:
        parts = [self.heading()]
        while sum(len(part) for part in parts) < size:
            roll = self.rng.random()
            if roll < 0.12:
                parts.append("\n".join(f"- {self.words.sentence(self.rng, 8)}" for _ in range(4)))
            elif roll < 0.16:
                rows = "\n".join(
                    f"| {self.rng.choice(self.words.words)} | {i} | {i * 7 % 13} |"
                    for i in range(5)
                )
                parts.append(f"| name | count | share |\n|---|--:|--:|\n{rows}")
            elif roll < 0.18:
                lines = "\n".join(
                    f"value_{i} = {i} * 2  # {self.words.pick(self.rng, 1)[0]}" for i in range(6)
                )
                parts.append(f"```python\n{lines}\n```")
            else:
                parts.append(self.paragraph())
        if parts[-1].startswith(("-", "|", "```")):
            parts.append(self.paragraph())  # end in prose, so sections join cleanly
        return "\n\n".join(parts)

    def article(self, size: int) -> str:
        self.headings = set()
        intro = self.paragraph()
        sections = [intro]
        while sum(len(section) for section in sections) < size:
            sections.append(self.section(self.rng.randint(1_200, 3_000)))
        return "\n\n".join(sections) + "\n"


def _render(args: tuple[str, frozenset[str]]) -> tuple[str, frozenset[str]]:
    source, existing = args
    rendered = render_article(source, existing_slugs=lambda slugs: slugs & existing)
    return rendered.html, rendered.link_slugs


class Seeder:
    def __init__(self, scale: Scale, seed: int = 7) -> None:
        self.scale = scale
        self.rng = random.Random(seed)
        self.words = Words(self.rng)
        self.now = timezone.now()
        self.titles = self._titles(scale.articles)
        self.slugs = [slugify(title) for title in self.titles]
        missing = self._titles(200, avoid=set(self.titles))
        self.writer = Writer(self.rng, self.words, self.titles, missing)

    def _titles(self, count: int, avoid: frozenset[str] | set[str] = frozenset()) -> list[str]:
        titles: list[str] = []
        seen = {slugify(title) for title in avoid} | {BIG_SLUG, SMALL_SLUG}
        while len(titles) < count:
            title = " ".join(self.words.pick(self.rng, self.rng.randint(1, 3))).capitalize()
            if len(titles) % 7 == 0:
                title = f"{title} {self.rng.choice(self.words.words)}"
            if slugify(title) and slugify(title) not in seen:
                seen.add(slugify(title))
                titles.append(title)
        return titles

    def run(self) -> dict[str, float]:
        figures: dict[str, float] = {}
        started = time.perf_counter()
        self.users = self._users()
        figures["text_bytes"] = self._articles()
        figures["articles_s"] = time.perf_counter() - started
        started = time.perf_counter()
        self._big_article()
        figures["big_article_s"] = time.perf_counter() - started
        started = time.perf_counter()
        figures["comments"] = self._comments()
        figures["comments_s"] = time.perf_counter() - started
        started = time.perf_counter()
        reindex_all()
        with connection.cursor() as cursor:
            # As autovacuum would: flush the GIN pending list and give the planner figures.
            cursor.execute("VACUUM ANALYZE")
        figures["index_s"] = time.perf_counter() - started
        return figures

    def _users(self) -> list:
        user_model = get_user_model()
        users = [
            user_model(username=f"editor{i}", email=f"editor{i}@example.org") for i in range(200)
        ]
        for user in users:
            user.set_unusable_password()
        user_model.objects.bulk_create(users)
        for name in ("reader", "writer"):
            user_model.objects.create_user(name, f"{name}@example.org", PASSWORD)
        return list(user_model.objects.filter(username__startswith="editor"))

    def _when(self, days_ago_max: float) -> timezone.datetime:
        return self.now - timedelta(days=self.rng.uniform(1, days_ago_max))

    def _articles(self) -> int:
        """Every article but the big one, with one revision each; the bytes of source."""
        existing = frozenset(self.slugs) | {BIG_SLUG, SMALL_SLUG}
        total = 0
        specs = [(SMALL_SLUG, "Small article", 3_000)] + [
            (slug, title, int(2_000 * 25 ** self.rng.random()))  # 2 to 50 KB, more small
            for slug, title in zip(self.slugs, self.titles, strict=True)
        ]
        connection.close()  # the pool forks: no shared connection
        with multiprocessing.get_context("fork").Pool(2) as pool:
            for start in range(0, len(specs), BATCH):
                batch = specs[start : start + BATCH]
                sources = [self.writer.article(size) for _, _, size in batch]
                rendered = pool.map(_render, [(source, existing) for source in sources], 8)
                total += sum(len(source.encode()) for source in sources)
                self._write_articles(batch, sources, rendered)
        return total

    def _write_articles(self, batch, sources, rendered) -> None:
        with transaction.atomic():
            articles = []
            for slug, title, _ in batch:
                created = self._when(1_000)
                articles.append(
                    Article(slug=slug, title=title, created_at=created, updated_at=created)
                )
            Article.objects.bulk_create(articles)
            revisions = []
            links = []
            for article, source, (html, link_slugs) in zip(
                articles, sources, rendered, strict=True
            ):
                author = self.rng.choice(self.users)
                size = len(source.encode())
                revisions.append(
                    Revision(
                        article=article,
                        number=1,
                        title=article.title,
                        source=source,
                        html=html,
                        size=size,
                        size_change=size,
                        summary="First version",
                        author=author,
                        author_name=author.username,
                        author_ip="127.0.0.1",
                        created_at=article.created_at,
                    )
                )
                links.extend(WikiLink(source=article, target_slug=slug) for slug in link_slugs)
            Revision.objects.bulk_create(revisions)
            WikiLink.objects.bulk_create(links, ignore_conflicts=True)
            for article, revision in zip(articles, revisions, strict=True):
                article.current_revision = revision
            Article.objects.bulk_update(articles, ["current_revision"])

    def _big_article(self) -> None:
        """A 50 KB article edited section by section through big_revisions revisions."""
        writer = self.writer
        writer.headings = set()
        sections = [writer.paragraph()]
        while sum(len(section) for section in sections) < 50_000:
            sections.append(writer.section(self.rng.randint(1_500, 2_500)))
        existing = frozenset(self.slugs) | {BIG_SLUG, SMALL_SLUG}
        section_html: dict[str, tuple[str, frozenset[str]]] = {}

        def render(text: str) -> tuple[str, frozenset[str]]:
            if text not in section_html:
                section_html[text] = _render((text, existing))
            return section_html[text]

        # The contents box lists the headings, which these edits never change.
        headings = "\n\n".join(section.split("\n", 1)[0] for section in sections[1:])
        headings_html = _render((headings, existing))[0]
        contents = headings_html[: headings_html.index("</nav>") + len("</nav>\n")]
        count = self.scale.big_revisions
        start = self.now - timedelta(days=900)
        article = Article.objects.create(
            slug=BIG_SLUG, title="The Commons", created_at=start, updated_at=start
        )
        revisions: list[Revision] = []
        previous_size = 0
        checked = 0
        for number in range(1, count + 1):
            if number > 1:
                index = self.rng.randrange(len(sections))
                paragraphs = sections[index].split("\n\n")
                spot = self.rng.randrange(1, len(paragraphs)) if len(paragraphs) > 1 else 0
                if self.rng.random() < 0.5 and len(paragraphs) > 3:
                    paragraphs[spot] = writer.paragraph()  # rewrite a paragraph
                else:
                    paragraphs[spot] = paragraphs[spot] + " " + self.words.sentence(self.rng)
                sections[index] = "\n\n".join(paragraphs)
            source = "\n\n".join(sections) + "\n"
            parts = [render(section) for section in sections]
            html = contents + "\n".join(part[0] for part in parts)
            if number in (1, count) or number % 997 == 0:
                # Sectionwise rendering is a shortcut: prove it gives the same HTML.
                whole = _render((source, existing))[0]
                assert whole == html, f"sectionwise HTML differs at revision {number}"
                checked += 1
            author = self.rng.choice(self.users)
            size = len(source.encode())
            revisions.append(
                Revision(
                    article=article,
                    number=number,
                    title=article.title,
                    source=source,
                    html=html,
                    size=size,
                    size_change=size - previous_size,
                    base_number=number - 1 or None,
                    summary=f"Edit {number}",
                    is_minor=self.rng.random() < 0.2,
                    author=author,
                    author_name=author.username,
                    author_ip="127.0.0.1",
                    created_at=start + timedelta(minutes=number * 250),
                )
            )
            previous_size = size
            if len(revisions) == 200 or number == count:
                Revision.objects.bulk_create(revisions)
                last = revisions[-1]
                revisions = []
        article.current_revision = last
        article.updated_at = last.created_at
        article.save(update_fields=["current_revision", "updated_at"])
        link_slugs = set().union(*(render(section)[1] for section in sections))
        WikiLink.objects.bulk_create(
            [WikiLink(source=article, target_slug=slug) for slug in sorted(link_slugs)]
        )

    def _comments(self) -> int:
        """big_comments on the big article, a few on the small one, the rest spread."""
        articles = list(
            Article.objects.order_by("pk").values_list("pk", "slug", "current_revision_id")
        )
        big = next(a for a in articles if a[1] == BIG_SLUG)
        small = next(a for a in articles if a[1] == SMALL_SLUG)
        others = [a for a in articles if a not in (big, small)]
        plan = [(big, self.scale.big_comments), (small, 12)]
        remaining = max(0, self.scale.comments - sum(count for _, count in plan))
        discussed = self.rng.sample(others, k=min(len(others), max(1, remaining // 30)))
        weights = [self.rng.paretovariate(1.5) for _ in discussed]
        scale = remaining / sum(weights) if weights else 0
        counts = [max(1, int(weight * scale)) for weight in weights]
        counts[0] += remaining - sum(counts)
        plan += [
            (article, count) for article, count in zip(discussed, counts, strict=True) if count > 0
        ]
        next_tree = 1
        written = 0
        for start in range(0, len(plan), 50):
            chunk = plan[start : start + 50]
            trees = []
            for (article_id, _, revision_id), count in chunk:
                trees.append(self._tree(article_id, revision_id, count, next_tree))
                next_tree += 1
            written += self._write_trees(trees)
        for tree_id in (1, 2, next_tree - 1):
            problems = tree_problems(tree_id)
            assert not problems, (tree_id, problems)
        return written

    def _comment_text(self) -> str:
        text = " ".join(self.words.sentence(self.rng) for _ in range(self.rng.randint(1, 4)))
        if self.rng.random() < 0.2:
            text += f"\n\nSee {self.writer.link()}."
        return text

    def _tree(self, article_id: int, revision_id: int, count: int, tree_id: int) -> list[dict]:
        """One article's discussion: threads up to depth 6, nested-set numbered."""
        root = {"children": [], "level": 0}
        nodes = []
        for _ in range(count):
            candidates = [n for n in nodes[-40:] if n["level"] < 6]
            if not nodes or not candidates or self.rng.random() < 0.08:
                parent = root
            else:
                parent = self.rng.choice(candidates)
            node = {"children": [], "level": parent["level"] + 1, "parent": parent}
            parent["children"].append(node)
            nodes.append(node)
        counter = 0

        def number(node: dict) -> None:
            nonlocal counter
            counter += 1
            node["lft"] = counter
            for child in node["children"]:
                number(child)
            counter += 1
            node["rght"] = counter

        number(root)
        start = self.now - timedelta(days=600)
        for index, node in enumerate([root, *nodes]):
            node.update(
                article_id=article_id,
                revision_id=revision_id,
                tree_id=tree_id,
                created=start + timedelta(minutes=index * 60),
            )
        return [root, *nodes]

    def _write_trees(self, trees: list[list[dict]]) -> int:
        """Insert level by level, so each parent has its id before its children."""
        written = 0
        with transaction.atomic():
            for level in range(7):
                rows = [node for tree in trees for node in tree if node["level"] == level]
                comments = [self._comment_row(node) for node in rows]
                Comment.objects.bulk_create(comments)
                for node, comment in zip(rows, comments, strict=True):
                    node["id"] = comment.pk
                written += len(rows) if level else 0
        return written

    def _comment_row(self, node: dict) -> Comment:
        common = dict(
            article_id=node["article_id"],
            tree_id=node["tree_id"],
            lft=node["lft"],
            rght=node["rght"],
            level=node["level"],
            created_at=node["created"],
        )
        if node["level"] == 0:
            return Comment(status=Status.PUBLISHED, parent_id=None, **common)
        roll = self.rng.random()
        status = (
            Status.SPAM
            if roll < 0.02
            else Status.REMOVED
            if roll < 0.03
            else Status.PENDING
            if roll < 0.04
            else Status.PUBLISHED
        )
        body = self._comment_text()
        if self.rng.random() < 0.6:
            user = self.rng.choice(self.users)
            author = {
                "author": user,
                "author_name": user.username,
                "author_email": user.email,
            }
        else:
            name = self.rng.choice(self.words.words).capitalize()
            email = f"{name.lower()}@example.net"
            author = {
                "author_name": name,
                "author_email": email,
            }
        return Comment(
            parent_id=node["parent"]["id"],
            revision_id=node["revision_id"],
            body=body,
            html=render_comment_markdown(body),
            status=status,
            author_ip="127.0.0.1",
            **author,
            **common,
        )
