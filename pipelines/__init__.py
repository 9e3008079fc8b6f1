"""tthc-analytics: portal case exports → DuckDB warehouse → Biểu 06 indicators.

The version is defined here only (pyproject.toml reads it); runs record it in runs.code_version.
"""

__version__ = "0.6.0"
