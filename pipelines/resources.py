"""Where the project's own rule and reference files live: sql/, schemas/*.csv, data/reference/.

In the repository (and an editable install) they are the client's top-level folders. A wheel
(`pip install .`) carries copies of sql/ and data/reference/ inside the package, under
pipelines/_data/ (see [tool.setuptools.package-dir] in pyproject.toml); schemas/ is a package of
its own. Every module asks here, so `tthc` works from any folder whichever way it was installed.
"""

from __future__ import annotations

from pathlib import Path

import schemas

_PACKAGE = Path(__file__).resolve().parent
_PACKAGED = _PACKAGE / "_data"
ROOT = _PACKAGE.parent  # the repository root in a checkout; site-packages in a wheel install


def _dir(packaged: str, checkout: Path) -> Path:
    inside = _PACKAGED / packaged
    return inside if inside.is_dir() else checkout


SCHEMAS = Path(schemas.__file__).resolve().parent
SQL = _dir("sql", ROOT / "sql")
REFERENCE = _dir("reference", ROOT / "data" / "reference")
