"""Rewrite every slug to its one canonical form before a constraint requires it.

An article at a non-canonical slug ("main_page", made from a title "Main_page")
moves to its canonical slug, or, when that already belongs to another article
(the duplicate the old rules allowed), to the first free "<slug>-2", "<slug>-3";
its old spelling needs no redirect, as every spelling of an address now leads to
the canonical one. Old addresses and wiki-link targets are rewritten the same way;
one whose canonical form already leads somewhere is dropped as redundant.
"""

import re

from django.db import migrations
from django.utils.text import slugify

# Frozen copies of wiki.slugs as of this migration.
CANONICAL_SLUG_RE = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def slug_for(text):
    return slugify(slugify(text).replace("_", " "))


def canonicalize(apps, schema_editor):
    Article = apps.get_model("wiki", "Article")
    ArticleRedirect = apps.get_model("wiki", "ArticleRedirect")
    WikiLink = apps.get_model("wiki", "WikiLink")
    canonical = re.compile(CANONICAL_SLUG_RE)
    taken = set(Article.objects.values_list("slug", flat=True))
    taken |= set(ArticleRedirect.objects.values_list("old_slug", flat=True))

    for article in Article.objects.order_by("pk").only("slug"):
        if canonical.match(article.slug):
            continue
        base = slug_for(article.slug) or f"article-{article.pk}"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        Article.objects.filter(pk=article.pk).update(slug=slug)

    for redirect in ArticleRedirect.objects.order_by("pk"):
        if canonical.match(redirect.old_slug):
            continue
        slug = slug_for(redirect.old_slug)
        if slug and slug not in taken:
            taken.add(slug)
            ArticleRedirect.objects.filter(pk=redirect.pk).update(old_slug=slug)
        else:
            ArticleRedirect.objects.filter(pk=redirect.pk).delete()

    for link in WikiLink.objects.order_by("pk"):
        if canonical.match(link.target_slug):
            continue
        slug = slug_for(link.target_slug)
        duplicate = WikiLink.objects.filter(source_id=link.source_id, target_slug=slug).exists()
        if slug and not duplicate:
            WikiLink.objects.filter(pk=link.pk).update(target_slug=slug)
        else:
            WikiLink.objects.filter(pk=link.pk).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("wiki", "0005_article_listing_indexes"),
    ]

    operations = [
        migrations.RunPython(canonicalize, migrations.RunPython.noop),
    ]
