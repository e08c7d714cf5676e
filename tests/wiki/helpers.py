from tests.conftest import contributor
from wiki.services import save_edit


def make_article(title="Sample article", texts=("First text.\n",), user=None):
    """An article with one revision per text, each started from the one before."""
    base = None
    slug = None
    for text in texts:
        result = save_edit(
            slug=slug or _slug(title),
            title=title,
            source=text,
            base_number=base,
            contributor=contributor(user),
        )
        base = result.revision.number
        slug = result.revision.article.slug
    article = result.revision.article
    article.refresh_from_db()
    return article


def _slug(title):
    from wiki.slugs import slug_for

    return slug_for(title)
