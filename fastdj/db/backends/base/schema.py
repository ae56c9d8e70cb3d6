"""BaseDatabaseSchemaEditor: CREATE/DROP/ALTER TABLE from model definitions.

It reads models through Django's ``_meta`` API (local_fields, local_many_to_many,
unique_together, indexes, constraints, db_table) and fields through
``db_parameters(connection)``, ``column``, ``null``, ``unique``,
``primary_key``, ``remote_field`` and ``has_default()/get_default()``.
"""

from __future__ import annotations

import itertools
import logging

from fastdj.db.backends.utils import names_digest, split_identifier, truncate_name

__all__ = ["BaseDatabaseSchemaEditor"]

logger = logging.getLogger("fastdj.db.backends.schema")

_NOT_PROVIDED_NAMES = frozenset({"NOT_PROVIDED"})


def _provided(value) -> bool:
    # Fields mark "no db_default" with a NOT_PROVIDED class (Django's or ours).
    return not (isinstance(value, type) and value.__name__ in _NOT_PROVIDED_NAMES)


def _auto_created(model) -> bool:
    return bool(getattr(model._meta, "auto_created", False))


class BaseDatabaseSchemaEditor:
    """Turn model definitions into DDL and run it (or collect it).

    Use it as a context manager: statements that must wait until every table
    exists (foreign keys, indexes) run at exit, inside one transaction where
    the backend can roll DDL back.
    """

    sql_create_table = "CREATE TABLE %(table)s (%(definition)s)"
    sql_delete_table = "DROP TABLE %(table)s CASCADE"
    sql_create_column = "ALTER TABLE %(table)s ADD COLUMN %(column)s %(definition)s"
    sql_delete_column = "ALTER TABLE %(table)s DROP COLUMN %(column)s CASCADE"
    sql_alter_column = "ALTER TABLE %(table)s %(changes)s"
    sql_alter_column_no_default = "ALTER COLUMN %(column)s DROP DEFAULT"
    sql_unique_constraint = "UNIQUE (%(columns)s)"
    sql_check_constraint = "CHECK (%(check)s)"
    sql_constraint = "CONSTRAINT %(name)s %(constraint)s"
    sql_create_unique = (
        "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s UNIQUE (%(columns)s)"
    )
    sql_delete_unique = "ALTER TABLE %(table)s DROP CONSTRAINT %(name)s"
    sql_create_fk = (
        "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s FOREIGN KEY (%(column)s) "
        "REFERENCES %(to_table)s (%(to_column)s)%(deferrable)s"
    )
    sql_create_inline_fk: str | None = None
    sql_delete_fk = "ALTER TABLE %(table)s DROP CONSTRAINT %(name)s"
    sql_create_index = "CREATE INDEX %(name)s ON %(table)s (%(columns)s)%(condition)s"
    sql_create_unique_index = (
        "CREATE UNIQUE INDEX %(name)s ON %(table)s (%(columns)s)%(condition)s"
    )
    sql_delete_index = "DROP INDEX %(name)s"
    sql_create_pk = (
        "ALTER TABLE %(table)s ADD CONSTRAINT %(name)s PRIMARY KEY (%(columns)s)"
    )

    def __init__(self, connection, collect_sql: bool = False, atomic: bool = True):
        self.connection = connection
        self.collect_sql = collect_sql
        if self.collect_sql:
            self.collected_sql: list[str] = []
        self.atomic_migration = self.connection.features.can_rollback_ddl and atomic
        self.deferred_sql: list[str] = []

    # ##### Context manager and execution #####

    def __enter__(self):
        self.deferred_sql = []
        if self.atomic_migration:
            from fastdj.db import transaction

            self.atomic = transaction.atomic(self.connection.alias)
            self.atomic.__enter__()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        try:
            if exc_type is None:
                for sql in self.deferred_sql:
                    self.execute(sql)
        finally:
            if self.atomic_migration:
                self.atomic.__exit__(exc_type, exc_value, traceback)

    def execute(self, sql: str, params=()) -> None:
        """Run ``sql`` (or collect it when collect_sql is on)."""
        logger.debug(
            "%s; (params %r)", sql, params, extra={"params": params, "sql": sql}
        )
        if self.collect_sql:
            ending = "" if sql.rstrip().endswith(";") else ";"
            if params:
                self.collected_sql.append(
                    (sql % tuple(map(self.quote_value, params))) + ending
                )
            else:
                self.collected_sql.append(sql + ending)
            return
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params or None)

    def quote_name(self, name: str) -> str:
        return self.connection.ops.quote_name(name)

    def quote_value(self, value) -> str:
        """Return ``value`` as an SQL literal (only for collected/default SQL)."""
        raise NotImplementedError

    # ##### Field helpers #####

    def _field_db_params(self, field) -> dict:
        if hasattr(field, "db_parameters"):
            return field.db_parameters(connection=self.connection)
        return {"type": field.db_type(self.connection), "check": None}

    @staticmethod
    def _is_relation(field) -> bool:
        return getattr(field, "remote_field", None) is not None and getattr(
            field, "concrete", True
        )

    @staticmethod
    def _effective_default(field):
        """Return the Python default a new column gets for existing rows."""
        if field.has_default():
            return field.get_default()
        if (
            not field.null
            and field.blank
            and getattr(field, "empty_strings_allowed", False)
        ):
            return b"" if field.get_internal_type() == "BinaryField" else ""
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            from fastdj.utils import timezone

            internal = field.get_internal_type()
            now = timezone.now()
            if internal == "DateField":
                return now.date()
            if internal == "TimeField":
                return now.time()
            return now
        return None

    def effective_default(self, field):
        """Return the default adapted for the database."""
        return field.get_db_prep_save(self._effective_default(field), self.connection)

    def _iter_column_sql(self, column_db_type, params, model, field, include_default):
        yield column_db_type
        if getattr(field, "db_collation", None):
            yield f"COLLATE {self.quote_name(field.db_collation)}"
        db_default = getattr(field, "db_default", None)
        if db_default is not None and _provided(db_default):
            # A literal (possibly wrapped in Value()) becomes a column DEFAULT.
            if type(db_default).__name__ == "Value":
                db_default = db_default.value
            if hasattr(db_default, "resolve_expression"):
                raise NotImplementedError(
                    f"db_default expressions are not supported ({field!r})."
                )
            params.append(field.get_db_prep_save(db_default, self.connection))
            yield "DEFAULT %s"
        elif include_default:
            default_value = self.effective_default(field)
            if default_value is not None:
                params.append(default_value)
                yield "DEFAULT %s"
        if field.null and not self.connection.features.implied_column_null:
            yield "NULL"
        elif not field.null:
            yield "NOT NULL"
        if field.primary_key:
            yield "PRIMARY KEY"
        elif field.unique:
            yield "UNIQUE"

    def column_sql(self, model, field, include_default: bool = False):
        """Return (column definition SQL, params) for ``field``, or (None, None)."""
        field_db_params = self._field_db_params(field)
        column_db_type = field_db_params["type"]
        if column_db_type is None:
            # Many-to-many fields have no column.
            return None, None
        params: list = []
        sql = " ".join(
            self._iter_column_sql(column_db_type, params, model, field, include_default)
        )
        return sql, params

    def _suffix_sql(self, field) -> str:
        suffix = (
            field.db_type_suffix(connection=self.connection)
            if hasattr(field, "db_type_suffix")
            else self.connection.data_types_suffix.get(field.get_internal_type())
        )
        return f" {suffix}" if suffix else ""

    # ##### Tables #####

    def table_sql(self, model):
        """Return (CREATE TABLE sql, params) for ``model``."""
        opts = model._meta
        # unique_together becomes table-level UNIQUE clauses.
        constraints = []
        for fields in getattr(opts, "unique_together", ()) or ():
            columns = [opts.get_field(name).column for name in fields]
            constraints.append(
                self.sql_unique_constraint
                % {"columns": ", ".join(self.quote_name(c) for c in columns)}
            )
        column_sqls = []
        params: list = []
        for field in opts.local_fields:
            definition, extra_params = self.column_sql(model, field)
            if definition is None:
                continue
            db_params = self._field_db_params(field)
            if db_params.get("check"):
                definition += " " + self.sql_check_constraint % db_params
            params.extend(extra_params)
            if (
                self._is_relation(field)
                and getattr(field, "db_constraint", True)
                and self.connection.features.supports_foreign_keys
            ):
                # ALTER TABLE after every table exists allows forward and
                # circular references; SQLite can only declare them inline.
                if self.sql_create_fk:
                    self.deferred_sql.append(
                        self._create_fk_sql(
                            model, field, "_fk_%(to_table)s_%(to_column)s"
                        )
                    )
                else:
                    definition += " " + self._inline_fk_sql(field)
            definition += self._suffix_sql(field)
            column_sqls.append(f"{self.quote_name(field.column)} {definition}")
        for constraint in getattr(opts, "constraints", ()) or ():
            sql = self._constraint_inline_sql(model, constraint)
            if sql:
                constraints.append(sql)
        sql = self.sql_create_table % {
            "table": self.quote_name(opts.db_table),
            "definition": ", ".join(column_sqls + constraints),
        }
        return sql, params

    def _inline_fk_sql(self, field) -> str:
        to_table = field.remote_field.model._meta.db_table
        to_column = field.target_field.column
        return self.sql_create_inline_fk % {
            "to_table": self.quote_name(to_table),
            "to_column": self.quote_name(to_column),
            "deferrable": self.connection.ops.deferrable_sql(),
        }

    def create_model(self, model) -> None:
        """Create the table of ``model``, its indexes and its auto M2M tables."""
        sql, params = self.table_sql(model)
        self.execute(sql, params or None)
        self.deferred_sql.extend(self._model_indexes_sql(model))
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if _auto_created(through):
                self.create_model(through)

    def delete_model(self, model) -> None:
        """Drop the table of ``model`` and its auto-created M2M tables."""
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if _auto_created(through):
                self.delete_model(through)
        table = model._meta.db_table
        self.execute(self.sql_delete_table % {"table": self.quote_name(table)})
        # Statements waiting for this table can no longer run.
        quoted = self.quote_name(table)
        self.deferred_sql = [sql for sql in self.deferred_sql if quoted not in sql]

    # ##### Columns #####

    def add_field(self, model, field) -> None:
        """Add a column (or an M2M table) for ``field`` to ``model``'s table."""
        if getattr(field, "many_to_many", False) and _auto_created(
            field.remote_field.through
        ):
            return self.create_model(field.remote_field.through)
        definition, params = self.column_sql(model, field, include_default=True)
        if definition is None:
            return None
        db_params = self._field_db_params(field)
        if db_params.get("check"):
            definition += " " + self.sql_check_constraint % db_params
        fk_deferred = None
        if self._is_relation(field) and getattr(field, "db_constraint", True):
            if (
                self.sql_create_inline_fk
                and self.connection.features.can_create_inline_fk
            ):
                definition += " " + self._inline_fk_sql(field)
            elif self.connection.features.supports_foreign_keys:
                fk_deferred = self._create_fk_sql(
                    model, field, "_fk_%(to_table)s_%(to_column)s"
                )
        definition += self._suffix_sql(field)
        sql = self.sql_create_column % {
            "table": self.quote_name(model._meta.db_table),
            "column": self.quote_name(field.column),
            "definition": definition,
        }
        self.execute(sql, params)
        # The default only filled existing rows; later inserts bring values.
        if (
            self.effective_default(field) is not None
            and self.sql_alter_column_no_default
        ):
            changes = self.sql_alter_column_no_default % {
                "column": self.quote_name(field.column)
            }
            self.execute(
                self.sql_alter_column
                % {"table": self.quote_name(model._meta.db_table), "changes": changes}
            )
        if fk_deferred:
            self.deferred_sql.append(fk_deferred)
        if self._field_should_be_indexed(model, field):
            self.deferred_sql.append(self._create_index_sql(model, [field]))

    def remove_field(self, model, field) -> None:
        """Drop the column (or the auto M2M table) of ``field``."""
        if getattr(field, "many_to_many", False) and _auto_created(
            field.remote_field.through
        ):
            return self.delete_model(field.remote_field.through)
        if self._field_db_params(field)["type"] is None:
            return None
        self.execute(
            self.sql_delete_column
            % {
                "table": self.quote_name(model._meta.db_table),
                "column": self.quote_name(field.column),
            }
        )
        return None

    # ##### Indexes and constraints #####

    def _field_should_be_indexed(self, model, field) -> bool:
        if field.primary_key or field.unique:
            return False
        if getattr(field, "db_index", False):
            return True
        # Foreign keys get an index unless the backend makes one by itself.
        return bool(
            self._is_relation(field)
            and getattr(field, "many_to_one", False)
            | getattr(field, "one_to_one", False)
            and getattr(field, "db_index", True)
            and not self.connection.features.indexes_foreign_keys
        )

    def _model_indexes_sql(self, model) -> list[str]:
        opts = model._meta
        output = []
        for field in opts.local_fields:
            if self._field_should_be_indexed(model, field):
                output.append(self._create_index_sql(model, [field]))
        for index in getattr(opts, "indexes", ()) or ():
            output.append(self._index_sql(model, index))
        # Constraints that cannot be inline (partial unique) become indexes.
        for constraint in getattr(opts, "constraints", ()) or ():
            if self._constraint_inline_sql(model, constraint) is None and hasattr(
                constraint, "create_sql"
            ):
                output.append(str(constraint.create_sql(model, self)))
        return output

    def _create_index_name(
        self, table_name: str, column_names, suffix: str = ""
    ) -> str:
        """Return a unique, valid index name for ``column_names`` of a table."""
        _, table_name = split_identifier(table_name)
        hash_suffix = f"_{names_digest(table_name, *column_names, length=8)}{suffix}"
        max_length = self.connection.ops.max_name_length() or 200
        index_name = "{}_{}{}".format(table_name, "_".join(column_names), hash_suffix)
        if len(index_name) <= max_length:
            return index_name
        if len(hash_suffix) > max_length / 3:
            hash_suffix = hash_suffix[: max_length // 3]
        other_length = (max_length - len(hash_suffix)) // 2 - 1
        index_name = "{}_{}{}".format(
            table_name[:other_length],
            "_".join(column_names)[:other_length],
            hash_suffix,
        )
        # Identifiers may not start with a digit or an underscore everywhere.
        if index_name[0] == "_" or index_name[0].isdigit():
            index_name = f"D{index_name[:-1]}"
        return index_name

    def _create_index_sql(
        self,
        model,
        fields=None,
        name=None,
        suffix="",
        unique=False,
        condition=None,
        *,
        col_suffixes=(),
        expressions=None,
        **ignored,
    ) -> str:
        """Return CREATE [UNIQUE] INDEX for ``fields`` (Django's signature).

        ``col_suffixes`` are per-column orders ("DESC"); ``condition`` is the
        SQL of a partial index. Tablespaces, opclasses and INCLUDE columns are
        accepted and ignored.
        """
        if expressions:
            raise NotImplementedError("Expression indexes are not supported yet.")
        table = model._meta.db_table
        columns = [field.column for field in fields or ()]
        if name is None:
            name = self._create_index_name(table, columns, suffix=suffix)
        quoted = [
            self.quote_name(column) + (f" {order}" if order else "")
            for column, order in itertools.zip_longest(columns, col_suffixes or ())
            if column is not None
        ]
        template = self.sql_create_unique_index if unique else self.sql_create_index
        return template % {
            "name": self.quote_name(name),
            "table": self.quote_name(table),
            "columns": ", ".join(quoted),
            "condition": f" WHERE {condition}" if condition else "",
        }

    def _index_sql(self, model, index) -> str:
        """Return CREATE INDEX for an ``Index`` of Meta.indexes."""
        if hasattr(index, "create_sql"):
            statement = index.create_sql(model, self)
            return str(statement)
        opts = model._meta
        columns = []
        for field_name in index.fields:
            desc = field_name.startswith("-")
            column = opts.get_field(field_name.lstrip("-")).column
            columns.append(self.quote_name(column) + (" DESC" if desc else ""))
        return self.sql_create_index % {
            "name": self.quote_name(index.name),
            "table": self.quote_name(opts.db_table),
            "columns": ", ".join(columns),
            "condition": "",
        }

    def add_index(self, model, index) -> None:
        self.execute(self._index_sql(model, index))

    def remove_index(self, model, index) -> None:
        self.execute(
            self.sql_delete_index
            % {
                "name": self.quote_name(index.name),
                "table": self.quote_name(model._meta.db_table),
            }
        )

    def _constraint_inline_sql(self, model, constraint) -> str | None:
        """Return the table-level SQL of a Meta.constraints entry, if inline."""
        if hasattr(constraint, "constraint_sql"):
            return constraint.constraint_sql(model, self)
        fields = getattr(constraint, "fields", None)
        if not fields or getattr(constraint, "condition", None) is not None:
            return None
        opts = model._meta
        columns = ", ".join(
            self.quote_name(opts.get_field(name).column) for name in fields
        )
        return self.sql_constraint % {
            "name": self.quote_name(constraint.name),
            "constraint": self.sql_unique_constraint % {"columns": columns},
        }

    def add_constraint(self, model, constraint) -> None:
        """Add a constraint of Meta.constraints to an existing table."""
        if hasattr(constraint, "create_sql"):
            sql = constraint.create_sql(model, self)
            if sql:
                self.execute(str(sql))
            return
        opts = model._meta
        columns = [opts.get_field(name).column for name in constraint.fields]
        condition = getattr(constraint, "condition", None)
        if condition is not None:
            raise NotImplementedError("Conditional constraints need create_sql().")
        self.execute(
            self.sql_create_unique
            % {
                "table": self.quote_name(opts.db_table),
                "name": self.quote_name(constraint.name),
                "columns": ", ".join(self.quote_name(c) for c in columns),
            }
        )

    def remove_constraint(self, model, constraint) -> None:
        if hasattr(constraint, "remove_sql"):
            sql = constraint.remove_sql(model, self)
            if sql:
                self.execute(str(sql))
            return
        self.execute(
            self.sql_delete_unique
            % {
                "table": self.quote_name(model._meta.db_table),
                "name": self.quote_name(constraint.name),
            }
        )

    def _fk_constraint_name(self, model, field, suffix: str) -> str:
        to_table = field.target_field.model._meta.db_table
        to_column = field.target_field.column
        return truncate_name(
            self._create_index_name(
                model._meta.db_table,
                [field.column],
                suffix=suffix % {"to_table": to_table, "to_column": to_column},
            ),
            self.connection.ops.max_name_length(),
        )

    def _create_fk_sql(self, model, field, suffix: str) -> str:
        return self.sql_create_fk % {
            "table": self.quote_name(model._meta.db_table),
            "name": self.quote_name(self._fk_constraint_name(model, field, suffix)),
            "column": self.quote_name(field.column),
            "to_table": self.quote_name(field.target_field.model._meta.db_table),
            "to_column": self.quote_name(field.target_field.column),
            "deferrable": self.connection.ops.deferrable_sql(),
        }
