# The two commands a fresh machine needs: `make demo` and `make test`.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install system-deps demo test bench clean

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	@{ command -v mdb-export && command -v chromium && { command -v smbd || test -x /usr/sbin/smbd; } && \
	   ls /usr/lib/*/libnss_wrapper.so; } >/dev/null 2>&1 || $(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test]'
	$(BIN)/python -m compileall -q inventory scanners    # bytecode, as an installed package has it
	touch $(STAMP)

# Debian's packages: mdbtools reads the Access files access-parser cannot (Access
# 2010+ variants, cp932 column names in Access 97); chromium runs the end-to-end
# browser tests, with fonts-noto-cjk so their screenshots show Japanese; samba is the real
# SMB server the native-SMB tests start on loopback, with nss_wrapper/uid_wrapper giving it
# a private user account (tests/smb_server.py).
SYSTEM_PACKAGES := mdbtools chromium fonts-noto-cjk samba libnss-wrapper libuid-wrapper
APT := $(shell [ "$$(id -u)" = 0 ] && echo apt-get || (command -v sudo >/dev/null && echo "sudo -n apt-get"))
system-deps:
	@if [ -n "$(APT)" ] && command -v apt-get >/dev/null; then \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(APT) install -y -q $(SYSTEM_PACKAGES) >/dev/null 2>&1 || \
	  { $(APT) update -q >/dev/null 2>&1 && $(APT) install -y -q $(SYSTEM_PACKAGES) >/dev/null 2>&1; } || \
	  echo "warning: could not install $(SYSTEM_PACKAGES) (Debian packages)"; \
	else echo "note: install Debian's $(SYSTEM_PACKAGES)"; fi

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
