# Every target creates the virtual environment it needs: a fresh clone needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast test-aws lint bench docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python scripts/demo.py

test: $(STAMP)
	env -u ECRREPL_AWS_ACCEPTANCE $(BIN)/pytest -n 2 -q

# Everything but the end-to-end tests: `emulator` (a test using the ECR emulator, marked
# by tests/conftest.py from the fixtures it uses), `e2e` (the installed command against a
# moto server) and `slow` (scale cases, long sweeps, cfn-lint); pyproject.toml, markers.
test-fast: $(STAMP)
	env -u ECRREPL_AWS_ACCEPTANCE $(BIN)/pytest -n 2 -q -m "not emulator and not e2e and not slow"

# The contract tests against real AWS (README: "Contract tests against real AWS").
test-aws: $(STAMP)
	ECRREPL_AWS_ACCEPTANCE=1 $(BIN)/pytest tests/contract -n 0 -q

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy

# cfn-lint (a test dependency) is also the benchmark's yardstick.
bench: $(STAMP)
	$(BIN)/python scripts/bench.py

docs: $(STAMP)
	$(BIN)/python -m ecrrepl.lint.docs > docs/rules.md
	$(BIN)/python -m ecrrepl.lint.docs README.md
	$(BIN)/python -m ecrrepl.iam.readme README.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .ecrrepl
