"""On PostgreSQL, the database itself refuses to delete wiki content or rewrite a revision.

The ORM refuses too (commons.undeletable); these triggers also stop raw SQL. TRUNCATE is
left to the database owner (test runs use it to reset tables).
"""

from django.db import migrations

from commons.dbtriggers import on_postgresql

FORBID_DELETE = """
CREATE OR REPLACE FUNCTION commons_forbid_delete() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are never deleted: archive or hide instead', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER wiki_article_never_delete BEFORE DELETE ON wiki_article
    FOR EACH ROW EXECUTE FUNCTION commons_forbid_delete();
CREATE TRIGGER wiki_revision_never_delete BEFORE DELETE ON wiki_revision
    FOR EACH ROW EXECUTE FUNCTION commons_forbid_delete();

CREATE OR REPLACE FUNCTION wiki_revision_keep_source() RETURNS trigger AS $$
BEGIN
    IF NEW.source IS DISTINCT FROM OLD.source
       OR NEW.article_id IS DISTINCT FROM OLD.article_id
       OR NEW.number IS DISTINCT FROM OLD.number THEN
        RAISE EXCEPTION 'a revision''s text, article and number never change'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER wiki_revision_keep_source BEFORE UPDATE ON wiki_revision
    FOR EACH ROW EXECUTE FUNCTION wiki_revision_keep_source();
"""

ALLOW_DELETE = """
DROP TRIGGER IF EXISTS wiki_revision_keep_source ON wiki_revision;
DROP FUNCTION IF EXISTS wiki_revision_keep_source();
DROP TRIGGER IF EXISTS wiki_revision_never_delete ON wiki_revision;
DROP TRIGGER IF EXISTS wiki_article_never_delete ON wiki_article;
"""


class Migration(migrations.Migration):
    dependencies = [("wiki", "0001_initial")]

    operations = [
        migrations.RunPython(on_postgresql(FORBID_DELETE), on_postgresql(ALLOW_DELETE)),
    ]
