"""On PostgreSQL the database refuses to delete comments or their earlier texts."""

from django.db import migrations

from commons.dbtriggers import forbid_delete_sql, on_postgresql

FORBID_DELETE, ALLOW_DELETE = forbid_delete_sql(["comments_comment", "comments_commentedit"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("wiki", "0002_never_delete_triggers"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORBID_DELETE), on_postgresql(ALLOW_DELETE)),
    ]
