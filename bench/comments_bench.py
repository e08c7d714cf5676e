"""Discussion benchmark: render an article with 1,000 comments, reply into a 2,000-comment
thread.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commons .venv/bin/python bench/comments_bench.py
"""

import random

from harness import Table, count_queries, throwaway_database, timed


def seed(article, count: int, author, rng: random.Random, max_depth: int = 6) -> list:
    """`count` comments in threads: 30% new threads, the rest replies at random depths."""
    from comments.services import post_comment

    made = []
    for i in range(count):
        parents = [c for c in made[-300:] if c.level < max_depth]
        parent = rng.choice(parents) if parents and rng.random() < 0.7 else None
        made.append(
            post_comment(
                article=article,
                body=f"Comment {i}: a few words about the commons, *shared* and kept.",
                author=author,
                parent_id=parent.pk if parent else None,
            )
        )
    return made


def main() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from comments.services import CommentAuthor, post_comment
    from wiki.services import Contributor, save_edit

    rng = random.Random(7)
    user = get_user_model().objects.create_user("bench", is_staff=True)
    author = CommentAuthor(user=user, ip="127.0.0.1")

    def article(title: str):
        return save_edit(
            slug="x",
            title=title,
            source="Some text.\n",
            base_number=None,
            contributor=Contributor(user=user, name="bench"),
        ).revision.article

    table = Table("Discussion")
    small, big, huge = article("Ten"), article("Thousand"), article("Two thousand")
    seed(small, 10, author, rng)
    seed(big, 1000, author, rng)
    threads = seed(huge, 2000, author, rng)
    client = Client()
    for name, target in [("GET article, 10 comments", small), ("GET article, 1,000 comments", big)]:
        url = target.get_absolute_url()
        table.row(
            name, timed(lambda u=url: client.get(u), 50), count_queries(lambda u=url: client.get(u))
        )
    early = threads[0]

    def reply() -> None:
        post_comment(
            article=huge, body="A reply deep in the tree.", author=author, parent_id=early.pk
        )

    table.row(
        "post a reply into a 2,000-comment tree (early)", timed(reply, 50), count_queries(reply)
    )

    def new_thread() -> None:
        post_comment(article=huge, body="A new thread.", author=author)

    table.row(
        "post a new thread into a 2,000-comment tree",
        timed(new_thread, 50),
        count_queries(new_thread),
    )
    table.print()


if __name__ == "__main__":
    with throwaway_database():
        main()
