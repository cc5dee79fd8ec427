"""What ``kemu export`` can write, without importing pandas/pyarrow (the CLI builds its help from it)."""

FORMATS = ("parquet", "csv", "xlsx", "jsonl", "duckdb")
SUFFIX_FORMATS = {".parquet": "parquet", ".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".duckdb": "duckdb", ".db": "duckdb"}
PARTITION_COLUMNS = ("year", "report_kind")
