from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("wiki", "0006_canonicalize_slugs"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(("slug__regex", "^[a-z0-9]+(-[a-z0-9]+)*$")),
                name="wiki_article_slug_canonical",
            ),
        ),
        migrations.AddConstraint(
            model_name="articleredirect",
            constraint=models.CheckConstraint(
                condition=models.Q(("old_slug__regex", "^[a-z0-9]+(-[a-z0-9]+)*$")),
                name="wiki_articleredirect_old_slug_canonical",
            ),
        ),
        migrations.AddConstraint(
            model_name="wikilink",
            constraint=models.CheckConstraint(
                condition=models.Q(("target_slug__regex", "^[a-z0-9]+(-[a-z0-9]+)*$")),
                name="wiki_wikilink_target_slug_canonical",
            ),
        ),
    ]
