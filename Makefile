# kalbio: the two commands a newcomer needs are `make demo` and `make test`.
# Both install what is missing first (scripts/install.sh, idempotent); so do pkg,
# lint, bench and fuzz, each only what it needs.

SHELL := /bin/bash
SANDBOX := target/release/kalbio-sandbox
DEMO_PORT ?= 8787
DASHBOARD_PORT ?= 5173

.PHONY: demo test install install-demo pkg pkg-size docs sandbox lint bench fuzz mutants clean

## make demo: build the package, start the sandbox with its demo data, and show the client at work.
demo: install-demo pkg sandbox
	@bash scripts/demo.sh

## make test: every tier of tests, ending with one line "N passed, M failed".
test: install
	@bash tests/run.sh

install:
	@bash scripts/install.sh

# All that make test installs except Firefox, which only the wasm tier uses.
install-demo:
	@bash scripts/install.sh demo

## make pkg: build the npm package into pkg/ and print its gzipped size.
## Each target installs what it needs first, so each works on a fresh clone.
pkg:
	@bash scripts/install.sh pkg
	@bash scripts/build-pkg.sh

## make docs: the API reference from the shipped .d.ts, into docs/api/ (TypeDoc;
## any warning, an export without a doc comment included, fails it).
docs: pkg
	@bash scripts/docs.sh
	@echo "API reference: docs/api/index.html"

## make pkg-size: what takes the room in the package's wasm, by crate, and its 25
## largest functions (scripts/size-breakdown.sh); the output is kept in docs/size-breakdown.txt.
pkg-size:
	@set -o pipefail && bash scripts/size-breakdown.sh | tee docs/size-breakdown.txt

sandbox:
	@cargo build --release -p kalbio-sandbox --quiet

## make lint: rustfmt and clippy for the host and wasm32.
lint:
	@bash scripts/install.sh lint
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --quiet -- -D warnings
	cargo clippy --lib --tests --target wasm32-unknown-unknown --quiet -- -D warnings

clean:
	rm -rf pkg target tests/out docs/api

## make bench: the sandbox's search over 100,000 records, the engine alone, the
## client's memory while 200,000 records stream through a 50,000-record cache, and
## the package against a plain-JS baseline in Chromium.
bench: install-demo sandbox
	@cargo bench --bench engine --quiet 2>/dev/null | grep -E '^\||^\{'
	@cargo bench --bench snapshot --quiet 2>/dev/null | grep -E '^\||^\{'
	@tests/python/.venv/bin/python bench/sandbox_search.py
	@bash scripts/build-pkg.sh > /dev/null && node bench/memory.mjs
	@node bench/browser.mjs

## make mutants: cargo-mutants over the client logic, the filter engine and value
## selection (.cargo/mutants.toml); installs cargo-mutants if missing. Not part of make test.
mutants:
	@bash scripts/mutants.sh

## make fuzz: each fuzz target for FUZZ_SECONDS (default 60), nightly + cargo-fuzz.
fuzz:
	@bash scripts/install.sh fuzz
	@bash scripts/fuzz.sh
