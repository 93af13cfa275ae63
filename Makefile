# Two commands set up everything: `make run` (the app on the bundled letters) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INDEX ?= var/index
PORT ?= 8501

.PHONY: install index run serve postgres lint test test-slow test-llm eval bench clean

$(BIN)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .  # the ofsted-qa command
	touch $@

install: $(BIN)/.installed

index: install
	$(BIN)/python -m ingest data/letters data/reports --index $(INDEX)

run: index
	OFSTED_QA_INDEX=$(INDEX) $(BIN)/streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

# A local PostgreSQL 16 with pgvector in var/postgres (from pgserver), left running; prints its address,
# for INDEX=<address> make run / make serve, or python -m ingest PATH --index <address>.
postgres: install
	@mkdir -p var && $(BIN)/python -c "import pgserver; print(pgserver.get_server('var/postgres', cleanup_mode=None).get_uri())" 2>/dev/null

# The HTTP API over the index in $(INDEX) (never ingests into it): OFSTED_QA_API_TOKEN enables uploads.
WORKERS ?= 2
serve: install
	OFSTED_QA_INDEX=$(INDEX) $(BIN)/uvicorn ofsted_qa.api:app --host 127.0.0.1 --port $(PORT) --workers $(WORKERS)

# Tests in three tiers (pytest.ini): `test` the core suite, in minutes; `test-slow` real processes
# killed mid-write, a real browser, servers and the benchmark's plumbing; `test-llm` a real local model.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install
	$(BIN)/python -m pytest -q -m "not slow and not llm"

test-slow: install
	$(BIN)/python -m pytest -q -m slow

eval: install
	$(BIN)/python -m eval data/letters --questions ../shared/eval/questions.jsonl --claims ../shared/eval/claims.jsonl

# llama.cpp compiled for portable x86-64: a build for this CPU's own flags (AMX, AVX-512) dies on a
# machine whose CPU reports them but whose VM does not grant them. No wheel cache: a cached native build
# would be reused.
LLM_CMAKE_ARGS ?= -DGGML_NATIVE=OFF

$(BIN)/.llm-installed: $(BIN)/.installed requirements-llm.txt Makefile
	CMAKE_ARGS="$(LLM_CMAKE_ARGS)" $(BIN)/pip install --quiet --no-cache-dir --no-binary llama-cpp-python \
		-r requirements-llm.txt
	touch $@

test-llm: $(BIN)/.llm-installed
	$(BIN)/python -m pytest -q -m llm

$(BIN)/.bench-installed: $(BIN)/.installed requirements-bench.txt
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(BIN)/.bench-installed
	$(BIN)/python -m eval bench

clean:
	rm -rf var
