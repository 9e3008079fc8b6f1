"""Paths of the checkout the tests run in (never of an installed package)."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "data" / "sample"
