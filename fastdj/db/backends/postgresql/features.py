"""What PostgreSQL (13+) can do."""

from fastdj.db.backends.base.features import BaseDatabaseFeatures

__all__ = ["DatabaseFeatures"]


class DatabaseFeatures(BaseDatabaseFeatures):
    minimum_database_version = (13,)
    allows_group_by_selected_pks = True
    can_return_columns_from_insert = True
    can_return_rows_from_bulk_insert = True
    has_real_datatype = True
    has_native_uuid_field = True
    has_native_duration_field = True
    has_native_json_field = True
    can_defer_constraint_checks = True
    has_select_for_update = True
    has_select_for_update_nowait = True
    has_select_for_update_of = True
    has_select_for_update_skip_locked = True
    has_select_for_no_key_update = True
    can_release_savepoints = True
    supports_comments = True
    supports_tablespaces = True
    supports_transactions = True
    can_rollback_ddl = True
    can_clone_databases = True
    supports_temporal_subtraction = True
    supports_slicing_ordering_in_compound = True
    supports_over_clause = True
    supports_frame_range_fixed_distance = True
    supports_aggregate_filter_clause = True
    supports_update_conflicts = True
    supports_update_conflicts_with_target = True
    supports_covering_indexes = True
    supports_stored_generated_columns = True
    supports_unlimited_charfield = True
    supports_explaining_query_execution = True
    has_json_operators = True
    json_key_contains_list_matching_requires_list = True
    nulls_order_largest = True
    requires_casted_case_in_updates = True
    indexes_foreign_keys = False
    supported_explain_formats = {"JSON", "TEXT", "XML", "YAML"}
    supports_frame_exclusion = True
    supports_deferrable_unique_constraints = True
    supports_aggregation_over_interval_types = True
    select_for_update_of_column = True
    supports_nulls_distinct_unique_constraints = True
