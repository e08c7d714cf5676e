"""Helpers for migrations that install PostgreSQL triggers (the never-delete guarantee)."""


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
