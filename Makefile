# The two commands of the README: `make run` and `make test`. Each (re)creates .venv first,
# but only when requirements.txt changed since the last install.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
# The app answers this machine only; `make run HOST=0.0.0.0` serves the network (put sign-in in
# .streamlit/secrets.toml first: see the README).
HOST ?= 127.0.0.1
BID ?= examples/demo-bid.yaml

.PHONY: setup native run test bench pg-load eval preview house-style clean

setup: $(STAMP)

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# The extractor compiled with mypyc into .venv (bidkit/native.py): done again only when a source
# changed, and where it cannot be done (no C compiler) everything runs as Python.
native: $(STAMP)
	$(PY) -m bidkit.native_build

run: native
	$(PY) -m streamlit run app.py --server.address $(HOST) --server.port $(PORT) --browser.gatherUsageStats false

test: native
	$(PY) -m pytest -q -n 2 tests

bench: native
	$(PY) -m bench.run

# 16 writers and 16 readers on a throwaway PostgreSQL for 60 s: errors, lost writes, p95 latencies.
pg-load: $(STAMP)
	$(PY) -m bench.pg_load

# Extraction accuracy on annotated tenders; EVAL="DIR ..." scores other folders.
eval: native
	$(PY) -m bench.eval_extract $(EVAL)

preview: native
	$(PY) -m bench.preview $(BID)

house-style: $(STAMP)
	$(PY) templates/build_house_style.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
