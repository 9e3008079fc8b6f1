"""tthc-analytics: portal case exports → DuckDB warehouse → Biểu 06 indicators."""

__version__ = "0.1.0"
