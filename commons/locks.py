"""Transaction-scoped locks for writes that must not interleave (django-mptt tree edits).

On PostgreSQL these are pg_advisory_xact_lock calls, released at commit or rollback.
SQLite allows one writer at a time already, so there they do nothing.
"""

from django.db import connection

# Namespaces keep our lock keys apart from any other advisory lock user.
COMMENT_THREAD_LOCKS = 0x436F6D6D  # one key per article
GLOBAL_LOCKS = 0x436F6D6E
NEW_COMMENT_TREE = 1


def advisory_xact_lock(namespace: int, key: int) -> None:
    """Block until this transaction holds the lock (namespace, key)."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_xact_lock needs a transaction (transaction.atomic).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])
