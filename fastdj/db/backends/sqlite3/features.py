"""What SQLite (3.35+) can do."""

from fastdj.db.backends.base.features import BaseDatabaseFeatures

__all__ = ["DatabaseFeatures"]


class DatabaseFeatures(BaseDatabaseFeatures):
    minimum_database_version = (3, 35)
    test_db_allows_multiple_connections = False
    supports_unspecified_pk = True
    supports_timezones = False
    max_query_params = 999
    supports_transactions = True
    atomic_transactions = False
    can_rollback_ddl = True
    requires_literal_defaults = True
    can_release_savepoints = True
    has_case_insensitive_like = True
    supports_parentheses_in_compound = False
    can_defer_constraint_checks = True
    supports_over_clause = True
    supports_frame_range_fixed_distance = True
    supports_aggregate_filter_clause = True
    order_by_nulls_first = True
    supports_json_field_contains = False
    supports_update_conflicts = True
    supports_update_conflicts_with_target = True
    can_return_columns_from_insert = True
    can_return_rows_from_bulk_insert = True
    supports_explaining_query_execution = True
    supports_default_keyword_in_insert = False
    supports_default_keyword_in_bulk_insert = False
    has_json_object_function = True
    supports_stored_generated_columns = True
    supports_virtual_generated_columns = True
    supports_select_for_update = False
    indexes_foreign_keys = False
    supports_sequence_reset = False
    supports_frame_exclusion = True
    # Row values exist in SQLite but not "(a, b) IN (subquery)" everywhere.
    supports_tuple_lookups = False
