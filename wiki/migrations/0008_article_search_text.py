"""Search reads what readers read: each article's text without Markdown or HTML.

The text comes from the current revision's stored HTML; on PostgreSQL the search
vector is then rebuilt from it (it used to come from the Markdown source).
"""

from django.db import migrations, models

from wiki.markup import html_to_text

INDEXED_TEXT_CHARS = 150_000

# The same expression as wiki.search.REINDEX_ALL_SQL, frozen here.
REINDEX = """
UPDATE wiki_article
   SET search_vector =
       setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
       || setweight(to_tsvector('english'::regconfig, left(search_text, 150000)), 'B')
"""


def fill_search_text(apps, schema_editor):
    Article = apps.get_model("wiki", "Article")
    Revision = apps.get_model("wiki", "Revision")
    current = Article.objects.exclude(current_revision=None).values_list(
        "pk", "current_revision_id"
    )
    for article_id, revision_id in current.iterator(chunk_size=500):
        html = Revision.objects.values_list("html", flat=True).get(pk=revision_id)
        text = html_to_text(html)[:INDEXED_TEXT_CHARS]
        Article.objects.filter(pk=article_id).update(search_text=text)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REINDEX, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("wiki", "0007_canonical_slug_constraints"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
