"""Helpers for migrations that install PostgreSQL triggers (the never-delete guarantee).

Kept tables refuse DELETE row by row and TRUNCATE statement by statement. TRUNCATE has one
door: a transaction that has run `SET LOCAL commons.allow_truncate = 'on'` (ALLOW_TRUNCATE).
Only the test suite opens it, around the flush with which pytest-django and Django's
TransactionTestCase empty the test database between tests (tests/conftest.py). We chose
this over letting databases named `test_*` truncate freely, because then the tests, which
run in such a database, could never show that TRUNCATE is refused, and a staging or
production database that happened to be named so would have no guard at all. A session
setting is not a lock against the database owner (who may drop the triggers anyway): it
stops the mistakes, `manage.py flush` or `TRUNCATE ... CASCADE` typed at the wrong
database, and takes a deliberate, logged statement to pass.
"""

ALLOW_TRUNCATE_SETTING = "commons.allow_truncate"
ALLOW_TRUNCATE = f"SET LOCAL {ALLOW_TRUNCATE_SETTING} = 'on'"
FORBID_TRUNCATE = f"SET LOCAL {ALLOW_TRUNCATE_SETTING} = 'off'"


def on_postgresql(sql: str):
    """A RunPython function that runs `sql` on PostgreSQL and does nothing elsewhere."""

    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


def forbid_delete_sql(tables: list[str]) -> tuple[str, str]:
    """SQL creating and dropping a BEFORE DELETE trigger per table (commons_forbid_delete)."""
    create = "\n".join(
        f"CREATE TRIGGER {table}_never_delete BEFORE DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION commons_forbid_delete();"
        for table in tables
    )
    drop = "\n".join(f"DROP TRIGGER IF EXISTS {table}_never_delete ON {table};" for table in tables)
    return create, drop


def forbid_truncate_sql(tables: list[str]) -> tuple[str, str]:
    """SQL creating and dropping a BEFORE TRUNCATE trigger per table (commons_forbid_truncate,
    from commons' migration 0002)."""
    create = "\n".join(
        f"CREATE TRIGGER {table}_never_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION commons_forbid_truncate();"
        for table in tables
    )
    drop = "\n".join(
        f"DROP TRIGGER IF EXISTS {table}_never_truncate ON {table};" for table in tables
    )
    return create, drop
