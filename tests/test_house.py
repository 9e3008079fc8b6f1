"""The house rules that keep the code easy to change: style, import layers, packaging, size."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.paths import REPO

BIN = Path(sys.executable).parent
MAX_MODULE_LINES = 420  # "small modules": aim under ~400 lines


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
        return found
    return str(path)


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=300)


def test_ruff_lint_and_format_are_clean():
    lint = _run(_tool("ruff"), "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = _run(_tool("ruff"), "format", "--check", ".")
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_imports_go_down_the_layers():
    result = _run(_tool("lint-imports"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_package_is_in_the_wheel_list():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    on_disk = {
        ".".join(p.parent.relative_to(REPO).parts)
        for root in ("pipelines", "schemas")
        for p in (REPO / root).rglob("__init__.py")
    }
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"
    assert not any(p.startswith("tools") for p in listed)  # the generator stays out of the wheel
    mapped = config["package-dir"]
    assert (REPO / mapped["pipelines._data.sql"] / "models.yml").exists()
    assert (REPO / mapped["pipelines._data.reference"] / "communes.csv").exists()


def test_modules_stay_small():
    big = {
        str(p.relative_to(REPO)): n
        for root in ("pipelines", "schemas", "tools")
        for p in (REPO / root).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not big, f"split these modules: {big}"


@pytest.mark.slow
def test_the_wheel_carries_the_sql_and_the_reference_data(tmp_path):
    """`pip install .` (not -e) must find sql/ and data/reference/ inside the package."""
    built = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), ".")
    assert built.returncode == 0, built.stderr
    import zipfile

    (wheel,) = tmp_path.glob("tthc_analytics-*.whl")  # the version is pipelines.__version__
    names = set(zipfile.ZipFile(wheel).namelist())
    sql_files = {p.relative_to(REPO / "sql").as_posix() for p in (REPO / "sql").rglob("*.sql")}
    assert {f"pipelines/_data/sql/{f}" for f in sql_files} <= names
    assert "pipelines/_data/sql/models.yml" in names
    assert "pipelines/_data/reference/procedures.csv" in names
    assert "schemas/statuses.csv" in names
    assert not any(n.startswith("tools/") for n in names)


def test_the_repository_is_whole_on_its_own():
    """Every document the code, the SQL, the tests and the docs cite is in the repository, and
    nothing points outside it (the source material the project started from is not shipped)."""
    import re

    outside = re.compile(r"\.\./shared/|shared/(?:spec|seed)/")
    files = [
        *REPO.glob("pipelines/**/*.py"),
        *REPO.glob("pipelines/**/*.j2"),
        *REPO.glob("schemas/*"),
        *REPO.glob("sql/**/*.sql"),
        REPO / "sql" / "models.yml",
        *REPO.glob("tests/**/*.py"),
        *REPO.glob("tools/**/*.py"),
        *REPO.glob("*.md"),
        *REPO.glob("docs/**/*.md"),
        REPO / "pyproject.toml",
        REPO / "tthc.example.toml",
    ]
    cited: dict[str, Path] = {}
    for path in files:
        if path.suffix in (".gz",) or path == Path(__file__) or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        assert not outside.search(text), f"{path.relative_to(REPO)} points outside the repository"
        # docs/… of this repository; "owner/repo/docs/…" cites another repository's file
        for doc in re.findall(r"(?<![\w/.-])docs/[\w/.-]+\.(?:md|png|service)", text):
            cited.setdefault(doc, path)
    missing = {doc: str(where.relative_to(REPO)) for doc, where in cited.items() if not (REPO / doc).exists()}
    assert not missing, missing
    assert {"docs/reference/indicators.md", "docs/reference/export-format.md", "docs/reference/contract.md"} <= set(
        cited
    )
