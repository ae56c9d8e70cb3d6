"""The SQL layer: Query, WhereNode, compilers (imported lazily: lookups import it)."""

__all__ = [
    "AND",
    "AggregateQuery",
    "DeleteQuery",
    "InsertQuery",
    "OR",
    "Query",
    "RawQuery",
    "UpdateQuery",
    "XOR",
]

_LAZY = {
    "Query": "fastdj.db.models.sql.query",
    "RawQuery": "fastdj.db.models.sql.query",
    "AggregateQuery": "fastdj.db.models.sql.subqueries",
    "DeleteQuery": "fastdj.db.models.sql.subqueries",
    "InsertQuery": "fastdj.db.models.sql.subqueries",
    "UpdateQuery": "fastdj.db.models.sql.subqueries",
    "AND": "fastdj.db.models.sql.where",
    "OR": "fastdj.db.models.sql.where",
    "XOR": "fastdj.db.models.sql.where",
}


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    # Later reads find it in the module and skip this hook (it is per query).
    globals()[name] = value
    return value
