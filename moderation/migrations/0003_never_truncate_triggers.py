"""On PostgreSQL the database refuses to TRUNCATE moderation records.

The row-level triggers of 0002 stop DELETE; TRUNCATE fires only statement-level ones.
TRUNCATE's door for the test suite: commons' migration 0002.
"""

from django.db import migrations

from commons.dbtriggers import forbid_truncate_sql, on_postgresql

FORBID_TRUNCATE, ALLOW_TRUNCATE = forbid_truncate_sql(
    ["moderation_moderationcase", "moderation_moderationevent", "moderation_flag"]
)


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0002_never_delete_triggers"),
        ("commons", "0002_never_truncate_and_users_kept"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORBID_TRUNCATE), on_postgresql(ALLOW_TRUNCATE)),
    ]
