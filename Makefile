# Đối Thoại — the two commands are `make run` and `make test`; everything else supports them.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck eval bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@PY=$$(scripts/find-python) && echo "Using $$PY" && $$PY -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: install
	$(BIN)/doithoai run

test: install
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy bot handlers storage sandbox config

eval: install
	$(BIN)/doithoai tagger eval ../shared/eval/tagging-dev.jsonl

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
