"""A time budget for the database work of one hook call: past it the query is stopped by the
database itself (PostgreSQL's statement_timeout, in a transaction that is rolled back; on
SQLite a progress handler that interrupts the statement) and the journal gets an empty card
list."""

import time
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def time_budget(milliseconds: int):
    if connection.vendor == "sqlite":
        # Outside a transaction: the project's SQLite transactions are IMMEDIATE, so a block
        # would take the database's write lock for a call that only reads, and the workers
        # would answer one call at a time. The handler is the connection's, not a transaction's.
        connection.ensure_connection()
        deadline = time.monotonic() + milliseconds / 1000
        connection.connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 100)
        try:
            yield
        finally:
            connection.connection.set_progress_handler(None, 0)
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # SET LOCAL for this transaction only; a rollback to the savepoint undoes it.
                # At least 1 ms: 0 would mean no limit.
                cursor.execute("SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, true)",
                               [f"{max(1, int(milliseconds))}ms"])
                previous = cursor.fetchone()[0]
            yield
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
        else:
            yield
