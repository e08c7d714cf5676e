"""On PostgreSQL the database refuses to delete moderation records."""

from django.db import migrations

TABLES = ["moderation_moderationcase", "moderation_moderationevent", "moderation_flag"]

FORBID_DELETE = "\n".join(
    f"CREATE TRIGGER {table}_never_delete BEFORE DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION commons_forbid_delete();"
    for table in TABLES
)
ALLOW_DELETE = "\n".join(
    f"DROP TRIGGER IF EXISTS {table}_never_delete ON {table};" for table in TABLES
)


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_initial"),
        ("wiki", "0002_never_delete_triggers"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORBID_DELETE), on_postgresql(ALLOW_DELETE)),
    ]
