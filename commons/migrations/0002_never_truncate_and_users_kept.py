"""On PostgreSQL, kept tables refuse TRUNCATE, and accounts are never deleted.

The never-delete triggers (wiki, comments and moderation migrations 0002) are row-level
BEFORE DELETE triggers, which TRUNCATE does not fire: `TRUNCATE wiki_article CASCADE`
emptied every kept table. commons_forbid_truncate() is the statement-level guard that each
app's next migration puts on its kept tables; this one puts it on auth_user too, with a
row-level guard against DELETE (accounts are deactivated or anonymised, website.accounts).

The test suite must still empty its database between transactional tests, and Django does
that with TRUNCATE. The guard lets a TRUNCATE through only in a transaction that has set
`commons.allow_truncate` to 'on', which only tests/conftest.py does, around that flush.
commons/dbtriggers.py says why a session setting and not, say, the database's name.
"""

from django.db import migrations

from commons.dbtriggers import forbid_truncate_sql, on_postgresql

USER_TRUNCATE, USER_TRUNCATE_UNDO = forbid_truncate_sql(["auth_user"])

FORBID = f"""
CREATE OR REPLACE FUNCTION commons_forbid_truncate() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('commons.allow_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is never truncated: its rows are kept forever', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION commons_forbid_user_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts are never deleted: deactivate or anonymise instead'
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER auth_user_never_delete BEFORE DELETE ON auth_user
    FOR EACH ROW EXECUTE FUNCTION commons_forbid_user_delete();
{USER_TRUNCATE}
"""

ALLOW = f"""
{USER_TRUNCATE_UNDO}
DROP TRIGGER IF EXISTS auth_user_never_delete ON auth_user;
DROP FUNCTION IF EXISTS commons_forbid_user_delete();
DROP FUNCTION IF EXISTS commons_forbid_truncate();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("commons", "0001_moderators_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(FORBID), on_postgresql(ALLOW)),
    ]
