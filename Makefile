# LoanGraph: `make run` opens the dashboard, `make test` runs the tests. Both set up what is missing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup run test test-fast fuzz browser-deps ingest reranker bench clean

setup: $(STAMP)

$(STAMP): requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# the local CPU wheel; any other torch spec pulls a multi-GB CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	touch $(STAMP)

# binds DASHBOARD_ADDRESS (default 127.0.0.1): see README, Security, before opening it
run: setup
	$(BIN)/python -m dashboard.serve

test: setup browser-deps
	$(BIN)/python -m pytest

# the long property-based fuzz (10,000 cases per property; figures in test-artifacts/fuzz-long.json)
fuzz: setup
	TORCH_THREADS=1 $(BIN)/python -m pytest -m fuzz --hypothesis-profile=long -q
	cat test-artifacts/fuzz-long.json

# Debian's Chromium for the browser smoke test (never a test tool's own browser download). Never fails:
# without network (or root) the browser test is skipped, with the reason printed here and by pytest.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    { timeout 120 apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -qq chromium chromium-driver >/dev/null 2>&1; } \
	      || echo "browser-deps: could not install Chromium (no network or no package index?): the browser test will be skipped"; \
	  else echo "browser-deps: Chromium missing: install it (Debian: sudo apt-get install chromium chromium-driver) or the browser test is skipped"; fi; }

test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not browser"

ingest: setup
	$(BIN)/python -m rag.ingest

# the small domain cross-encoder for RERANKER_MODEL=domain (a few minutes on one core; skipped when current)
reranker: setup
	$(BIN)/python -m rag.train_reranker

bench: setup
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/retrieval_quality.py
	$(BIN)/python benchmarks/retrieval_latency.py
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
