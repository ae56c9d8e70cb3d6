"""``createtables``: create the missing table of every model of the installed apps.

A stand-in for migrations: tables that exist are left alone (even if their
columns differ from the model), missing ones are created with their indexes,
foreign keys and auto-created many-to-many tables.
"""

from __future__ import annotations

from fastdj.core.management.base import BaseCommand, CommandError

__all__ = ["Command", "create_tables", "installed_models"]


def installed_models() -> list:
    """Return the models of INSTALLED_APPS (the registry must be ready)."""
    from fastdj.apps import apps

    return list(apps.get_models())


def _model_order(models) -> list:
    """Return ``models`` with each model after the models it references.

    PostgreSQL adds foreign keys after all tables exist, but a stable,
    dependency-first order keeps the output readable and SQLite happy.
    """
    ordered: list = []
    seen: set = set()

    def visit(model, stack=()):
        if model in seen or model in stack:
            return
        for field in model._meta.local_fields:
            remote = getattr(field, "remote_field", None)
            target = getattr(remote, "model", None) if remote else None
            if isinstance(target, type) and target is not model and target in models:
                visit(target, (*stack, model))
        seen.add(model)
        ordered.append(model)

    for model in models:
        visit(model)
    return ordered


def create_tables(
    using: str = "default", models=None, verbosity: int = 1, stdout=None
) -> list[str]:
    """Create the missing tables of ``models`` (default: installed apps' models).

    Return the names of the tables created.
    """
    from fastdj.db import connections

    connection = connections[using]
    if models is None:
        models = installed_models()
    models = [
        m
        for m in models
        if getattr(m._meta, "managed", True)
        and not getattr(m._meta, "proxy", False)
        and not getattr(m._meta, "auto_created", False)
    ]
    existing = set(connection.introspection.table_names())
    convert = connection.introspection.identifier_converter
    created: list[str] = []
    with connection.schema_editor() as editor:
        for model in _model_order(models):
            table = model._meta.db_table
            if convert(table) in existing:
                # An existing model table may still miss a new M2M table.
                for field in model._meta.local_many_to_many:
                    through = field.remote_field.through
                    through_table = through._meta.db_table
                    if (
                        getattr(through._meta, "auto_created", False)
                        and convert(through_table) not in existing
                    ):
                        editor.create_model(through)
                        existing.add(convert(through_table))
                        created.append(through_table)
                continue
            editor.create_model(model)
            existing.add(convert(table))
            created.append(table)
            for field in model._meta.local_many_to_many:
                through = field.remote_field.through
                if getattr(through._meta, "auto_created", False):
                    existing.add(convert(through._meta.db_table))
                    created.append(through._meta.db_table)
            if verbosity >= 2 and stdout is not None:
                stdout.write(f"  Creating table {table}\n")
    return created


class Command(BaseCommand):
    help = "Create the missing database tables of every model of INSTALLED_APPS."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--database",
            default="default",
            help="The database alias to create the tables in (default: default).",
        )
        parser.add_argument(
            "-v",
            "--verbosity",
            type=int,
            choices=[0, 1, 2],
            default=1,
            help="0: silent, 1: summary, 2: every table.",
        )

    def handle(self, **options) -> str | None:
        import fastdj
        from fastdj.core.exceptions import ImproperlyConfigured
        from fastdj.db import DatabaseError, connections
        from fastdj.db.utils import ConnectionDoesNotExist

        try:
            fastdj.setup()
            using = options.get("database", "default")
            connections[using]
            created = create_tables(
                using=using,
                verbosity=options.get("verbosity", 1),
                stdout=self.stdout,
            )
        except (ImproperlyConfigured, ImportError, ConnectionDoesNotExist) as exc:
            raise CommandError(f"{exc.__class__.__name__}: {exc}") from exc
        except DatabaseError as exc:
            raise CommandError(f"Database error: {exc}") from exc
        if options.get("verbosity", 1) == 0:
            return None
        if not created:
            return "No missing tables."
        return f"Created {len(created)} table(s): {', '.join(created)}."
