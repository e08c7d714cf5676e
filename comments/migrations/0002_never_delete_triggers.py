"""On PostgreSQL the database refuses to delete comments or their earlier texts."""

from django.db import migrations

FORBID_DELETE = """
CREATE TRIGGER comments_comment_never_delete BEFORE DELETE ON comments_comment
    FOR EACH ROW EXECUTE FUNCTION commons_forbid_delete();
CREATE TRIGGER comments_commentedit_never_delete BEFORE DELETE ON comments_commentedit
    FOR EACH ROW EXECUTE FUNCTION commons_forbid_delete();
"""

ALLOW_DELETE = """
DROP TRIGGER IF EXISTS comments_commentedit_never_delete ON comments_commentedit;
DROP TRIGGER IF EXISTS comments_comment_never_delete ON comments_comment;
"""


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("wiki", "0002_never_delete_triggers"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORBID_DELETE), on_postgresql(ALLOW_DELETE)),
    ]
