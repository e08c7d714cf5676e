"""A spammer's work across several articles, made through the real services."""

from dataclasses import dataclass, field

from comments.models import Comment
from comments.services import CommentAuthor, post_comment, remove_comment
from tests.conftest import contributor
from wiki.models import Article
from wiki.services import save_edit

SPAM = "Zqxspam"  # in every text the spammer writes, and nowhere else


@dataclass
class SpamWorld:
    good: dict[str, str] = field(default_factory=dict)  # slug -> the good text it must show
    created: list[str] = field(default_factory=list)  # slugs only the spammer wrote
    discussed: list[str] = field(default_factory=list)  # slugs with the spammer's comments
    comments: list[Comment] = field(default_factory=list)
    removed_comment: Comment | None = None


def edit(slug, text, who, title=None):
    article = Article.objects.filter(slug=slug).first()
    return save_edit(
        slug=slug,
        title=title or slug.capitalize(),
        source=text,
        base_number=article.current_revision.number if article else None,
        contributor=who,
    ).revision


def spam_world(*, good_user, spammer=None, ip="203.0.113.66", edits=12, comments=8) -> SpamWorld:
    """`good_user` writes three articles; the spammer (an account, or anonymous writers
    from `ip`) then writes `edits` edits and `comments` comments across them and two
    articles of their own, and removes one more comment themselves. One of the good
    articles gets a good edit on top of the spammer's, so their edit there is not current.
    """
    world = SpamWorld()
    good = contributor(good_user)
    bad = contributor(spammer, ip=ip)
    for slug in ("gardens", "bees", "compost"):
        edit(slug, f"Good {slug} text.\n", good, title=slug.capitalize())
        edit(slug, f"Good {slug} text.\n\nMore about {slug}.\n", good)
        world.good[slug] = f"More about {slug}."
    targets = ["gardens", "bees", "compost", "pills", "watches"]
    for i in range(edits):
        slug = targets[i % len(targets)]
        edit(
            slug, f"{SPAM} {slug} {i}: cheap pills at spam.example\n", bad, title=slug.capitalize()
        )
    world.created = ["pills", "watches"]
    edit("compost", "Good compost text, rewritten by a person.\n", good)
    world.good["compost"] = "rewritten by a person"
    author = (
        CommentAuthor(user=spammer, ip=ip)
        if spammer
        else CommentAuthor(name="Pill Seller", email="pills@example.test", ip=ip)
    )
    for i in range(comments):
        article = Article.objects.get(slug=targets[i % 3])
        world.comments.append(
            post_comment(article=article, body=f"{SPAM} comment {i}: buy now", author=author)
        )
    world.discussed = targets[:3]
    if spammer is not None:
        extra = post_comment(
            article=Article.objects.get(slug="gardens"), body=f"{SPAM} removed", author=author
        )
        remove_comment(comment=extra, by=spammer)
        world.removed_comment = extra
    return world
