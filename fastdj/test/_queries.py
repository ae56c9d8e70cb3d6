"""CaptureQueriesContext: record the queries a block runs on one connection."""

from __future__ import annotations

from fastdj.core.signals import request_started
from fastdj.db import reset_queries

__all__ = ["CaptureQueriesContext"]


class CaptureQueriesContext:
    """Context manager that captures the queries run on ``connection``.

    Logging is forced on inside the block whatever DEBUG says; afterwards
    ``captured_queries`` is the list of {"sql", "time"} dicts and len() the
    number of queries.
    """

    def __init__(self, connection):
        self.connection = connection
        self.initial_queries = 0
        self.final_queries: int | None = None

    def __iter__(self):
        return iter(self.captured_queries)

    def __getitem__(self, index):
        return self.captured_queries[index]

    def __len__(self) -> int:
        return len(self.captured_queries)

    @property
    def captured_queries(self) -> list[dict]:
        return self.connection.queries[self.initial_queries : self.final_queries]

    def __enter__(self):
        self.force_debug_cursor = self.connection.force_debug_cursor
        self.connection.force_debug_cursor = True
        # Connect now: a connection's set-up queries are not the block's.
        self.connection.ensure_connection()
        self.initial_queries = len(self.connection.queries_log)
        self.final_queries = None
        # A request started inside the block must not wipe what we capture.
        request_started.disconnect(reset_queries)
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.connection.force_debug_cursor = self.force_debug_cursor
        request_started.connect(reset_queries)
        if exc_type is not None:
            return
        self.final_queries = len(self.connection.queries_log)
