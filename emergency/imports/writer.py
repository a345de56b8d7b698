"""The engine's SQL: stored records found by whole natural keys, new records inserted and changed
ones updated in bulk, each a statement per batch rather than a query or a save per row."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models.expressions import RawSQL
from django.db.models.fields import AutoFieldMixin

# Rows per statement: a batch of VALUES stays under PostgreSQL's 65,535 parameters up to 32 fields.
WRITE_BATCH = 2000
_LEFT_OUT = object()


def key_part(value: Any) -> Any:
    """One part of a natural key as rows and stored records compare it."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value.strip()
    return value


def stored_under_keys(model: type[models.Model], key: Sequence[str], keys: Sequence[tuple]) -> dict[tuple, Any]:
    """The records of `model` stored under the given natural keys (tuples of the `key` fields'
    values), in one query, by key.

    The keys go to the database as one array per key field and are matched whole against their
    unnested rows, so the database probes the key's index once per row. (An IN list per field sent
    one parameter per distinct value, each built, sent and planned, and it matched far more stored
    rows than the file names.)"""
    if not keys:
        return {}
    connection = connections[model.objects.db]
    fields = [model._meta.get_field(f) for f in key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(f"{table}.{connection.ops.quote_name(f.column)}" for f in fields)
    arrays = ", ".join(f"%s::{cast_type(f, connection)}[]" for f in fields)
    params = [[f.get_db_prep_value(k[i], connection) for k in keys] for i, f in enumerate(fields)]
    sql = f"({columns}) IN (SELECT * FROM unnest({arrays}))"  # noqa: S608  (our own column names)
    matches = RawSQL(sql, params, output_field=models.BooleanField())  # noqa: S611
    found = {}
    # No ordering: the model's default order would only add a sort (and often a join).
    for obj in model.objects.filter(matches).order_by().iterator(chunk_size=5000):
        found[tuple(key_part(getattr(obj, f.attname)) for f in fields)] = obj
    return found


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert new records given as field values, as `Model(**values)` takes them, with one
    INSERT … SELECT FROM unnest(…) per batch: each column travels as one array.

    That is what `bulk_create` sends on PostgreSQL, less a model instance per row and its
    compiler's steps per value, which for a large file cost more than the statement. Each field does
    what a save does: one left out takes its default, an auto_now one the time of the write, and
    every value becomes a database value by its field. A model whose fields do more than that
    (a column that cannot travel as an array, such as an array field, or a field with its own
    pre_save) is written by `bulk_create`. The new ids are not read back: a write whose later rows
    refer to the new records (hazards' transitions) uses `bulk_create` itself."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoFieldMixin)]
    if not all(_travels_as_array(f, connection) for f in fields):
        model.objects.bulk_create([model(**row) for row in rows], batch_size=WRITE_BATCH)
        return
    if unknown := set().union(*rows) - {f.name for f in fields} - {f.attname for f in fields}:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    blank = model()  # what each field takes when a row leaves it out
    columns = []
    for f in fields:
        prep = f.get_db_prep_save
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            columns.append([prep(f.pre_save(blank, add=True), connection)] * len(rows))
            continue
        if f.is_relation:  # a related object by the field's name, or its id by the attname
            given = [_related_pk(f, row[f.name]) if f.name in row else row.get(f.attname, _LEFT_OUT) for row in rows]
        else:
            given = [row.get(f.name, _LEFT_OUT) for row in rows]
        if callable(f.default):  # a default made anew for each record, as Model() makes it
            columns.append([prep(f.get_default() if v is _LEFT_OUT else v, connection) for v in given])
        else:
            default = prep(getattr(blank, f.attname), connection)
            columns.append([default if v is _LEFT_OUT else prep(v, connection) for v in given])
    quote = connection.ops.quote_name
    arrays = ", ".join(f"%s::{cast_type(f, connection)}[]" for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT * FROM unnest({arrays})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), WRITE_BATCH):
            cursor.execute(sql, [column[start : start + WRITE_BATCH] for column in columns])


def update_rows(model: type[models.Model], objs: Sequence[models.Model], names: Iterable[str]) -> None:
    """Store the named fields of records already stored, as `bulk_update` would, but joined to
    their new values: one UPDATE … FROM (VALUES …) per batch.

    `bulk_update` builds a CASE WHEN expression per record and field, and building them took most
    of re-uploading a large corrected file. Values are turned into database values by each field,
    as a save does, and cast to the column's type, so NULLs and arrays keep theirs."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), model._meta.pk
    fields = [pk, *(model._meta.get_field(n) for n in names)]
    assert all(f.model._meta.db_table == model._meta.db_table for f in fields), "one table only"
    row = "(" + ", ".join(f"%s::{cast_type(f, connection)}" for f in fields) + ")"
    assignments = ", ".join(f"{quote(f.column)} = new.{quote(f.column)}" for f in fields[1:])
    aliases = ", ".join(quote(f.column) for f in fields)
    for start in range(0, len(objs), WRITE_BATCH):
        batch = objs[start : start + WRITE_BATCH]
        params = [f.get_db_prep_save(getattr(obj, f.attname), connection) for obj in batch for f in fields]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(batch))}) AS new ({aliases}) "  # noqa: S608
                f"WHERE {table}.{quote(pk.column)} = new.{quote(pk.column)}",
                params,
            )


# pre_save methods that only read the value, or stamp auto_now fields with the time of the write.
PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


def _travels_as_array(field: models.Field, connection) -> bool:
    """Whether insert_rows can send the field's values as one array and take them as a save
    does. Django's own test for sending a column through unnest, plus a plain pre_save."""
    own = field.target_field if field.is_relation else field
    return (
        not hasattr(field, "get_placeholder")
        and own.get_internal_type() in connection.data_types
        and type(field).pre_save in PLAIN_PRE_SAVE
    )


def cast_type(field: models.Field, connection) -> str:
    """The column's type without its length (varchar, not varchar(200)), for casting values sent
    in: a write then checks the length and fails, where a cast to varchar(200) cuts text short."""
    return re.sub(r"\([^)]*\)", "", field.db_type(connection))


def _related_pk(field: models.Field, value: Any) -> Any:
    """A related object's id, refused as Model() refuses it: of another model, or not saved."""
    if value is None:
        return None
    if not isinstance(value, field.related_model) or value.pk is None:
        raise ValueError(f"{field.name} must be a saved {field.related_model.__name__}, not {value!r}")
    return value.pk


class AnyOf(models.Lookup):
    """`field__any_of=values`: the values travel as one array parameter (`= ANY(%s)`), where an
    `__in` list sends one parameter per value, each prepared and placed in the SQL: the cost of a
    large upload's thousands of unit codes. Registered on the fields that use it."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        field = self.lhs.output_field
        return "%s", [[field.get_db_prep_value(v, connection) for v in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs}::{cast_type(self.lhs.output_field, connection)}[])", [*lhs_params, *rhs_params]
