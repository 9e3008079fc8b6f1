# Tasks of the project; every one runs from the repository root with the project's venv.
# `make install` once, then `make lint test-fast` while working and `make test` before a push.
PY ?= .venv/bin/python
BIN := $(dir $(PY))

.PHONY: install lint format typecheck test-fast test sample run docs picture bench screenshots bench-dashboard

install:  ## venv with the project (editable) and its test and dev tools
	python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,dev]"
	$(BIN)pre-commit install || true

lint:  ## ruff (lint + format check), import layers, SQL style
	$(BIN)ruff check .
	$(BIN)ruff format --check .
	$(BIN)lint-imports
	$(BIN)sqlfluff lint sql

format:  ## rewrite Python and SQL in the house style
	$(BIN)ruff check --fix .
	$(BIN)ruff format .
	$(BIN)sqlfluff fix -f sql

typecheck:  ## mypy at basic strictness (pyproject [tool.mypy])
	$(BIN)mypy

test-fast:  ## the quick loop: everything but the tests marked slow
	$(PY) -m pytest -q -m "not slow"

test:  ## what CI runs (.ci/run): every test, slow ones included
	$(PY) -m pytest -q

sample:  ## regenerate data/sample/ byte for byte from the generator
	$(PY) -m tools.sample data/sample

run:  ## the main job on the shipped sample
	$(BIN)tthc run data/sample

docs:  ## docs/warehouse.md from a warehouse built from the sample (its whole site under build/docs/)
	rm -rf build/docs build/docs.duckdb
	TTHC_CONFIG=build/docs/none.toml TTHC_STAGE=build/docs/stage TTHC_BACKUPS=build/docs/backups \
	TTHC_INPUT_ARCHIVE=build/docs/inputs TTHC_SECRET_KEY=build/docs/secret.key TTHC_INBOX_ARCHIVE="" \
	$(BIN)tthc run data/sample --no-prefect --db build/docs.duckdb
	$(PY) -m pipelines.warehouse.docs build/docs.duckdb docs/warehouse.md

picture:  ## docs/img/bieu06_my-tan_2024Q1.png from the real output (LibreOffice headless, poppler's pdftoppm)
	$(BIN)tthc run data/sample --no-prefect --db build/docs.duckdb
	rm -rf build/picture && $(BIN)tthc sheets -p 2024Q1 -c "Mỹ Tân" --db build/docs.duckdb --out build/picture
	cd build/picture && soffice --headless --convert-to pdf *.xlsx
	pdftoppm -png -r 110 -f 1 -l 1 -x 40 -y 40 -W 1230 -H 520 -singlefile build/picture/*.pdf docs/img/bieu06_my-tan_2024Q1

bench:  ## the benchmark harness (writes bench/RESULTS.md; minutes)
	$(PY) bench/run_bench.py

screenshots:  ## docs/img/dashboard_*.png, taken by the browser test of `tthc dashboard` on the sample
	DASHBOARD_ARTEFACTS=$(CURDIR)/docs/img $(PY) -m pytest -n0 -q tests/integration/test_dashboard_sample.py

bench-dashboard:  ## the dashboard for 130 units × 36 months (writes bench/DASHBOARD.md)
	$(PY) bench/dashboard_bench.py
