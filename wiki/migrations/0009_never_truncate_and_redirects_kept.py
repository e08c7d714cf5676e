"""On PostgreSQL, wiki tables refuse TRUNCATE, and redirects are kept like articles.

An ArticleRedirect is the old address of a moved article; links and bookmarks out in the
world lead through it, so it is never deleted either (the ORM refuses too, through
commons.undeletable). TRUNCATE's door for the test suite: commons' migration 0002.
"""

from django.db import migrations

from commons.dbtriggers import forbid_delete_sql, forbid_truncate_sql, on_postgresql

TABLES = ["wiki_article", "wiki_revision", "wiki_articleredirect"]

FORBID_TRUNCATE, ALLOW_TRUNCATE = forbid_truncate_sql(TABLES)
FORBID_DELETE, ALLOW_DELETE = forbid_delete_sql(["wiki_articleredirect"])


class Migration(migrations.Migration):
    dependencies = [
        ("wiki", "0008_article_search_text"),
        ("commons", "0002_never_truncate_and_users_kept"),
    ]

    operations = [
        migrations.RunPython(
            on_postgresql(f"{FORBID_TRUNCATE}\n{FORBID_DELETE}"),
            on_postgresql(f"{ALLOW_DELETE}\n{ALLOW_TRUNCATE}"),
        ),
    ]
