#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: each step checks first.
#
#   scripts/install.sh          everything `make test` needs
#   scripts/install.sh demo     what `make demo` and `make bench` need: all but Firefox,
#                               WebKitGTK and the Next.js app
#   scripts/install.sh pkg      only what `make pkg` needs (wasm32 target, rust-src, wasm-bindgen, wasm-opt)
#   scripts/install.sh lint     only what `make lint` needs (rustfmt, clippy, wasm32 target)
#   scripts/install.sh fuzz     only what `make fuzz` needs (nightly, cargo-fuzz)
#   scripts/install.sh python   only the two Python venvs (kalbio 0.5.0, and 0.7.0 on Python >= 3.12)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[install] %s\n' "$*"; }

APT_UPDATED=
apt_install() {
  # Another apt run on the machine holds the lock for a while: wait for it rather than fail.
  if [ -z "$APT_UPDATED" ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@"
}

install_rust_components() {
  for component in rustfmt clippy; do
    if ! rustup component list --installed | grep -q "^$component"; then
      say "rustup component add $component"
      rustup component add "$component"
    fi
  done
}

install_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

# The package's wasm rebuilds the standard library for size (scripts/wasm-build-flags.sh).
install_rust_src() {
  if ! rustup component list --installed | grep -q '^rust-src'; then
    say "rustup component add rust-src"
    rustup component add rust-src
  fi
}

# The wasm-bindgen CLI must match the crate version in Cargo.lock exactly.
install_wasm_bindgen_cli() {
  cargo metadata --format-version 1 >/dev/null  # writes Cargo.lock if missing
  local version
  version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
    say "cargo install wasm-bindgen-cli --version $version"
    cargo install wasm-bindgen-cli --version "$version"
  fi
}

install_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "apt-get install chromium chromium-driver"
    apt_install chromium chromium-driver
  fi
}

# Firefox ESR for the wasm tier's second browser, driven by geckodriver (built from
# crates.io: about 10 minutes on two cores, once).
GECKODRIVER_VERSION=0.37.0
install_firefox() {
  if ! command -v firefox-esr >/dev/null; then
    say "apt-get install firefox-esr"
    apt_install firefox-esr
  fi
  if [ "$(geckodriver --version 2>/dev/null | awk 'NR == 1 {print $2}')" != "$GECKODRIVER_VERSION" ]; then
    say "cargo install geckodriver --version $GECKODRIVER_VERSION"
    cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked
  fi
}

# WebKitGTK's WebDriver and MiniBrowser for the JS scenario tests' third engine;
# MiniBrowser has no headless mode, so it runs on an Xvfb display.
install_webkit() {
  if [ ! -x /usr/bin/WebKitWebDriver ] || ! command -v Xvfb >/dev/null; then
    say "apt-get install webkit2gtk-driver xvfb"
    apt_install webkit2gtk-driver xvfb
  fi
}

# The Next.js app the JS tests build (tests/js/next-app), from its committed lock.
install_next_app() {
  local app=tests/js/next-app
  if [ ! -d "$app/node_modules/next" ] || [ "$app/package-lock.json" -nt "$app/node_modules/.package-lock.json" ]; then
    say "npm ci in $app"
    (cd "$app" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# JS tooling (TypeScript, Playwright's driver, binaryen's wasm-opt, TypeDoc, Vite, esbuild,
# webpack), from the committed lock.
install_js_tooling() {
  if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
    say "npm ci in tests/js"
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

install_dashboard() {
  if [ -f examples/dashboard/package-lock.json ]; then
    if [ ! -d examples/dashboard/node_modules ] || [ examples/dashboard/package-lock.json -nt examples/dashboard/node_modules/.package-lock.json ]; then
      say "npm ci in examples/dashboard"
      (cd examples/dashboard && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
}

# The official Python client, for the sandbox's compatibility tests.
install_python_venv() {
  local venv=tests/python/.venv
  if [ ! -x "$venv/bin/python" ] || ! cmp -s tests/python/requirements.txt "$venv/requirements.txt"; then
    say "python venv with tests/python/requirements.txt"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r tests/python/requirements.txt
    cp tests/python/requirements.txt "$venv/requirements.txt"
  fi
}

# A CPython >= 3.12 for kalbio 0.7.0 (which needs it; the system's is 3.11): pyenv's
# oldest 3.12 or later, else python3.12 / python3.13 on the PATH.
python312() {
  local version prefix candidate
  if command -v pyenv >/dev/null; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9]|[2-9][0-9])(\.[0-9]+)*$' | sort -t. -k1,1n -k2,2n -k3,3n); do
      prefix=$(pyenv prefix "$version" 2>/dev/null) || continue
      if [ -x "$prefix/bin/python3" ]; then echo "$prefix/bin/python3"; return; fi
    done
  fi
  for candidate in python3.12 python3.13; do
    if command -v "$candidate" >/dev/null; then command -v "$candidate"; return; fi
  done
  return 1
}

# The official client as it is now (kalbio 0.7.0), on a Python >= 3.12.
install_python07_venv() {
  local venv=tests/python/.venv07 python
  if [ ! -x "$venv/bin/python" ] || ! cmp -s tests/python/requirements-0.7.txt "$venv/requirements.txt"; then
    if ! python=$(python312); then
      echo "[install] kalbio 0.7.0 needs CPython >= 3.12: none found (pyenv versions, python3.12, python3.13); install one, e.g. pyenv install 3.12" >&2
      exit 1
    fi
    say "python venv ($python) with tests/python/requirements-0.7.txt"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r tests/python/requirements-0.7.txt
    cp tests/python/requirements-0.7.txt "$venv/requirements.txt"
  fi
}

install_fuzzing() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    say "rustup toolchain install nightly"
    rustup toolchain install nightly --profile minimal
  fi
  if ! command -v cargo-fuzz >/dev/null; then
    say "cargo install cargo-fuzz"
    cargo install cargo-fuzz --locked
  fi
}

case "${1:-all}" in
  all)
    install_rust_components; install_wasm_target; install_rust_src; install_wasm_bindgen_cli; install_chromium
    install_firefox; install_webkit; install_js_tooling; install_next_app; install_dashboard
    install_python_venv; install_python07_venv ;;
  demo)
    install_rust_components; install_wasm_target; install_rust_src; install_wasm_bindgen_cli; install_chromium
    install_js_tooling; install_dashboard; install_python_venv ;;
  pkg) install_wasm_target; install_rust_src; install_wasm_bindgen_cli; install_js_tooling ;;
  lint) install_rust_components; install_wasm_target ;;
  fuzz) install_fuzzing ;;
  python) install_python_venv; install_python07_venv ;;
  *) echo "usage: scripts/install.sh [all|demo|pkg|lint|fuzz|python]" >&2; exit 2 ;;
esac
