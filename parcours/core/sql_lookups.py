"""`field__any_of=[…]`: the column is one of the values, as `IN (…)` is, but sent to PostgreSQL as one
array parameter (`= ANY(%s::bigint[])`) instead of one parameter per value. A search keeps up to
500 household ids and filters on them three times (the merged files, the count, the page): Django
prepares and compiles each value of an `IN` list once per query (issue 18: ~2 ms of a search page);
the array is one value. Elsewhere (SQLite) it is Django's `IN`. On a field that is not a relation
(`pk__any_of`; Django keeps a foreign key to its own lookups). The values are used as given: ids
read from the database, not what a user typed."""

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models.lookups import In, Lookup


@models.Field.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        values = self.rhs
        if not values:
            raise EmptyResultSet
        if connection.vendor != "postgresql":
            return In(self.lhs, values).as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        # A foreign key's db_type is its target's (bigint for an id).
        db_type = self.lhs.output_field.db_type(connection)
        return f"{lhs_sql} = ANY(%s::{db_type}[])", (*lhs_params, values)
