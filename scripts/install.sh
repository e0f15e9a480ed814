#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: each step checks first.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[install] %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen CLI must match the crate version in Cargo.lock exactly.
cargo metadata --format-version 1 >/dev/null  # writes Cargo.lock if missing
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  say "cargo install wasm-bindgen-cli --version $WB_VERSION"
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "apt-get install chromium chromium-driver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver
fi

# JS tooling (TypeScript, Playwright's driver, binaryen's wasm-opt, Vite), from the committed lock.
if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
  say "npm ci in tests/js"
  (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ -f examples/dashboard/package-lock.json ]; then
  if [ ! -d examples/dashboard/node_modules ] || [ examples/dashboard/package-lock.json -nt examples/dashboard/node_modules/.package-lock.json ]; then
    say "npm ci in examples/dashboard"
    (cd examples/dashboard && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# The official Python client, for the sandbox's compatibility tests.
VENV=tests/python/.venv
if [ ! -x "$VENV/bin/python" ] || ! cmp -s tests/python/requirements.txt "$VENV/requirements.txt"; then
  say "python venv with tests/python/requirements.txt"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r tests/python/requirements.txt
  cp tests/python/requirements.txt "$VENV/requirements.txt"
fi
