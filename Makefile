# The two commands a fresh machine needs: `make demo` and `make test`.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench corpus clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## make demo: generate a small demo municipal share and scan it
demo: install
	$(BIN)/inventory demo

## make test: the whole test suite (pytest exit 5, "no tests", fails the target)
test: install
	$(BIN)/python -m pytest -q

## make bench: speed and memory benchmarks (figures go to docs/benchmarks.md)
bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) *.egg-info bench/out demo-share
