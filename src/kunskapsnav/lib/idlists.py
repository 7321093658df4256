"""A list of ids as a subquery with one parameter, for `pk__in`.

`pk__in=[…]` with a thousand ids makes Django prepare each id as a parameter of its own, for
every statement that uses the list (a few milliseconds per statement), and on PostgreSQL the
planner then tests each row of an index walk against the list. As one parameter (an array on
PostgreSQL, JSON on SQLite) the list is passed as it is, and the database looks each id up."""

import json

from django.db import connection
from django.db.models.expressions import RawSQL


def id_subquery(ids: list[int]) -> RawSQL:
    ids = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
