"""Constants of the SQL layer."""

# Rows fetched per round trip when iterating a cursor.
GET_ITERATOR_CHUNK_SIZE = 100

# execute_sql() result types.
MULTI = "multi"
SINGLE = "single"
CURSOR = "cursor"
NO_RESULTS = "no results"
ROW_COUNT = "row count"

ORDER_DIR = {"ASC": ("ASC", "DESC"), "DESC": ("DESC", "ASC")}

INNER = "INNER JOIN"
LOUTER = "LEFT OUTER JOIN"
