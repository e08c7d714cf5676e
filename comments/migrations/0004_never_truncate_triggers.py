"""On PostgreSQL the database refuses to TRUNCATE comments or their earlier texts.

The row-level triggers of 0002 stop DELETE; TRUNCATE fires only statement-level ones.
TRUNCATE's door for the test suite: commons' migration 0002.
"""

from django.db import migrations

from commons.dbtriggers import forbid_truncate_sql, on_postgresql

FORBID_TRUNCATE, ALLOW_TRUNCATE = forbid_truncate_sql(["comments_comment", "comments_commentedit"])


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0003_comment_is_held"),
        ("commons", "0002_never_truncate_and_users_kept"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORBID_TRUNCATE), on_postgresql(ALLOW_TRUNCATE)),
    ]
