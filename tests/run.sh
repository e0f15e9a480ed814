#!/usr/bin/env bash
# Runs every tier of tests and ends with one line: "N passed, M failed".
#   lints       cargo fmt --check; clippy -D warnings for the host and wasm32
#   tier 1      native cargo test of the core and the sandbox
#   tier 2      wasm_bindgen_test in headless Chromium against a live sandbox
#   tier 3      the packed package in Node 20 and a Vite app (Playwright), the .d.ts,
#               and the official Python client against the sandbox
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/out
LOG=tests/out
PASSED=0
FAILED=0
BROKEN=()

step() { printf '\n=== %s\n' "$*"; }
fail_step() { BROKEN+=("$1"); printf '!!! %s failed\n' "$1"; }

# Adds the counts from cargo's "test result:" lines in a log.
count_cargo() {
  local p f
  p=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1/' | paste -sd+ | bc)
  f=$(grep -E '^test result:' "$1" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\2/' | paste -sd+ | bc)
  PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
  echo "    ${p:-0} passed, ${f:-0} failed"
}

step "lint: cargo fmt --check"
cargo fmt --all --check || fail_step "cargo fmt"
step "lint: clippy (host)"
cargo clippy --workspace --all-targets --quiet -- -D warnings || fail_step "clippy host"
step "lint: clippy (wasm32)"
cargo clippy --lib --tests --target wasm32-unknown-unknown --quiet -- -D warnings || fail_step "clippy wasm32"

step "build: sandbox and package"
cargo build --release -p kalbio-sandbox --quiet || { fail_step "sandbox build"; }
bash scripts/build-pkg.sh || fail_step "package build"

step "tier 1: native tests"
cargo test --workspace 2>&1 | tee "$LOG/tier1.log" | grep -E '^(test result|failures:|    [a-z_:]+$|thread .* panicked)' || true
count_cargo "$LOG/tier1.log"
grep -q '^test result:' "$LOG/tier1.log" || fail_step "tier 1 did not run"

step "tier 2: wasm in headless Chromium against the sandbox"
SANDBOX_DIR=$(mktemp -d)
./target/release/kalbio-sandbox --port 0 --data-dir "$SANDBOX_DIR" --seed demo --test-hooks > "$LOG/tier2-sandbox.out" 2> "$LOG/tier2-sandbox.err" &
SANDBOX_PID=$!
for _ in $(seq 100); do grep -q '^listening on ' "$LOG/tier2-sandbox.out" && break; sleep 0.1; done
SANDBOX_URL=$(sed -n 's/^listening on //p' "$LOG/tier2-sandbox.out")
if [ -n "$SANDBOX_URL" ]; then
  CHROMEDRIVER=/usr/bin/chromedriver KALBIO_SANDBOX_URL="$SANDBOX_URL" \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    WASM_BINDGEN_TEST_TIMEOUT=120 \
    cargo test --target wasm32-unknown-unknown --test web 2>&1 | tee "$LOG/tier2.log" | grep -E '^(test |test result)' || true
  count_cargo "$LOG/tier2.log"
  grep -q '^test result:' "$LOG/tier2.log" || fail_step "tier 2 did not run"
else
  fail_step "tier 2 sandbox did not start"
fi
kill "$SANDBOX_PID" 2>/dev/null; wait "$SANDBOX_PID" 2>/dev/null; rm -rf "$SANDBOX_DIR"

step "tier 3: the packed package in Node and a Vite app, the .d.ts"
(cd tests/js && node --test --test-concurrency=1 ./*.test.mjs) > "$LOG/tier3-js.log" 2>&1
grep -E '^(not )?ok ' "$LOG/tier3-js.log" | sed 's/^/    /'
p=$(sed -n 's/^# pass //p' "$LOG/tier3-js.log"); f=$(sed -n 's/^# fail //p' "$LOG/tier3-js.log")
PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
echo "    ${p:-0} passed, ${f:-0} failed"
[ -n "$p" ] || fail_step "tier 3 JS did not run"
[ "${f:-0}" = 0 ] || grep -B2 -A30 '^not ok' "$LOG/tier3-js.log" | head -80

step "tier 3: the official Python client (kalbio 0.5.0) against the sandbox"
tests/python/.venv/bin/python -m pytest -q -p no:cacheprovider tests/python > "$LOG/tier3-python.log" 2>&1
tail -n 1 "$LOG/tier3-python.log" | sed 's/^/    /'
p=$(tail -n 1 "$LOG/tier3-python.log" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
f=$(tail -n 1 "$LOG/tier3-python.log" | grep -oE '[0-9]+ (failed|error)' | grep -oE '[0-9]+' | paste -sd+ | bc)
PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
[ -n "$p" ] || fail_step "python tests did not run"
[ "${f:-0}" = 0 ] || grep -E '^(FAILED|ERROR)' "$LOG/tier3-python.log"

echo
if [ ${#BROKEN[@]} -gt 0 ]; then
  echo "steps that failed: ${BROKEN[*]}"
fi
echo "${PASSED} passed, ${FAILED} failed"
[ "$FAILED" = 0 ] && [ ${#BROKEN[@]} = 0 ]
