"""On PostgreSQL the database refuses to delete moderation records."""

from django.db import migrations

from commons.dbtriggers import forbid_delete_sql, on_postgresql

FORBID_DELETE, ALLOW_DELETE = forbid_delete_sql(
    ["moderation_moderationcase", "moderation_moderationevent", "moderation_flag"]
)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("wiki", "0002_never_delete_triggers"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORBID_DELETE), on_postgresql(ALLOW_DELETE)),
    ]
