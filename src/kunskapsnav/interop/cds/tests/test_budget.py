from django.db import connection
from django.test import TransactionTestCase

from kunskapsnav.interop.cds.budget import time_budget


class TimeBudgetTest(TransactionTestCase):
    """Outside a test's transaction, as a worker calls it (what the budget stops is in test_errors)."""

    def test_only_postgresql_reads_in_a_transaction_of_its_own(self):
        # On SQLite a transaction is IMMEDIATE and would hold the write lock while the call reads.
        with time_budget(1000):
            self.assertEqual(connection.in_atomic_block, connection.vendor == "postgresql")
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        self.assertFalse(connection.in_atomic_block)
