#!/usr/bin/env bash
# Runs every tier of tests and ends with one line: "N passed, M failed".
#   lints       cargo fmt --check; clippy -D warnings for the host and wasm32
#   tier 1      native cargo test of the core and the sandbox
#   tier 2      wasm_bindgen_test in headless Chromium against a live sandbox, then
#               the same tests in headless Firefox ESR (tier2-firefox)
#   tier 3      the packed package in Node and in Vite, webpack, esbuild, Rollup and
#               Next.js apps and a module Web Worker, the JS scenario tests in
#               Chromium, Firefox ESR and WebKitGTK (counted per engine), the .d.ts,
#               and the official Python client against the sandbox: kalbio 0.5.0
#               (tier3py) and 0.7.0 (tier3py07, on a Python >= 3.12)
#   self-test   this script itself: a crashing test binary and a never-settling
#               JS test must each turn its summary red
#
# A step fails the run when its command fails, crashes, times out, or cancels or
# skips a test, whatever its counts say; cancelled and skipped tests are named.
#
# KALBIO_TIERS picks steps (default: all, in the order below). The fixture steps
# `fixture-crash` and `fixture-hang` run the self-test's fixtures as ordinary
# tiers, so `KALBIO_TIERS="all fixture-crash fixture-hang" make test` shows the
# whole run going red.
set -uo pipefail
cd "$(dirname "$0")/.."
# wasm-bindgen-test-runner takes the first driver variable it finds (Gecko before
# Chrome); each wasm tier sets its own.
unset GECKODRIVER CHROMEDRIVER GECKODRIVER_REMOTE CHROMEDRIVER_REMOTE
mkdir -p tests/out
LOG=${KALBIO_TEST_LOG:-tests/out}
mkdir -p "$LOG"
PASSED=0
FAILED=0
BROKEN=()

step() { printf '\n=== %s\n' "$*"; }
fail_step() { BROKEN+=("$1"); printf '!!! %s failed\n' "$1"; }

# Why a command's exit status is not 0, in words.
status_words() {
  case "$1" in
    124) echo "timed out" ;;
    137) echo "killed after timing out" ;;
    *) if [ "$1" -gt 128 ]; then echo "died of signal $(( $1 - 128 ))"; else echo "exited with status $1"; fi ;;
  esac
}

# run_checked NAME SECONDS COMMAND...: runs a step's command under a time limit
# and fails the step when it does not exit 0.
run_checked() {
  local name=$1 seconds=$2 status
  shift 2
  timeout --kill-after=30 "$seconds" "$@"
  status=$?
  [ "$status" = 0 ] || fail_step "$name ($(status_words "$status"))"
  return "$status"
}

# cargo_tier NAME LOGFILE SECONDS CARGO-ARGS...: a cargo test run. Counts its
# "test result:" lines, names ignored tests and binaries that crashed, and fails
# the step when cargo does not exit 0 even if every counted test passed.
cargo_tier() {
  local name=$1 log=$2 seconds=$3 status p f
  shift 3
  timeout --kill-after=30 "$seconds" cargo "$@" > "$log" 2>&1
  status=$?
  grep -E '^(test |test result|failures:|    [a-z_:]+$|thread .* panicked|error: test failed|.*process didn.t exit successfully)' "$log" \
    | grep -vE '^test .* \.\.\. ok$' | sed 's/^/    /'
  p=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1/' | paste -sd+ | bc)
  f=$(grep -E '^test result:' "$log" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\2/' | paste -sd+ | bc)
  PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
  echo "    ${p:-0} passed, ${f:-0} failed"
  if grep -qE '^test .* \.\.\. ignored' "$log"; then
    grep -E '^test .* \.\.\. ignored' "$log" | sed 's/^/    skipped: /'
    fail_step "$name (tests were skipped)"
  fi
  grep -q '^test result:' "$log" || fail_step "$name (no test ran)"
  if [ "$status" != 0 ]; then
    grep -E 'process didn.t exit successfully' "$log" | sed 's/^/    crashed: /'
    fail_step "$name (cargo $(status_words "$status"))"
  fi
}

# engine_counts LOGFILE: the tests of each browser engine (named "engine: …" by
# the scenario files), passed and failed, and the notes a file printed about
# what an engine does not run.
engine_counts() {
  local engine ok notok
  for engine in chromium firefox webkit node; do
    ok=$(grep -cE "^ok [0-9]+ - $engine: " "$1")
    notok=$(grep -cE "^not ok [0-9]+ - $engine: " "$1")
    [ "$ok$notok" = 00 ] || echo "    $engine: $ok passed, $notok failed"
  done
  grep -E '^# not run in ' "$1" | sort -u | sed 's/^# /    /'
}

# node_tier NAME LOGFILE SECONDS FILES...: node's test runner over FILES (run
# from their folder). Counts pass/fail, names cancelled, skipped and todo tests,
# and fails the step on any of them or when node does not exit 0.
node_tier() {
  local name=$1 log=$2 seconds=$3 dir status p f c s t
  shift 3
  dir=$(dirname "$1")
  local files=()
  for file in "$@"; do files+=("./$(basename "$file")"); done
  (cd "$dir" && timeout --kill-after=30 "$seconds" node --test --test-reporter=tap --test-concurrency=1 \
    --test-timeout="${KALBIO_JS_TEST_TIMEOUT_MS:-900000}" "${files[@]}") > "$log" 2>&1
  status=$?
  grep -E '^(not )?ok ' "$log" | sed 's/^/    /'
  p=$(sed -n 's/^# pass //p' "$log"); f=$(sed -n 's/^# fail //p' "$log")
  c=$(sed -n 's/^# cancelled //p' "$log"); s=$(sed -n 's/^# skipped //p' "$log"); t=$(sed -n 's/^# todo //p' "$log")
  PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0} + ${c:-0}))
  echo "    ${p:-0} passed, ${f:-0} failed, ${c:-0} cancelled, ${s:-0} skipped, ${t:-0} todo"
  engine_counts "$log"
  [ -n "$p" ] || fail_step "$name (did not run to its summary)"
  if [ "${f:-0}" != 0 ] || [ "${c:-0}" != 0 ]; then
    grep -B2 -A30 '^not ok' "$log" | head -120
  fi
  if [ "${c:-0}" != 0 ]; then
    grep -E -A12 '^ *not ok ' "$log" | grep -B12 -E "failureType: '(cancelledByParent|testTimeoutFailure)'" \
      | grep -E '^ *not ok ' | sed -E 's/^ *not ok [0-9]+ - /    cancelled: /'
    fail_step "$name (tests were cancelled)"
  fi
  if [ "${s:-0}" != 0 ] || [ "${t:-0}" != 0 ]; then
    grep -E '^ *ok [0-9]+ - .* # (SKIP|TODO)' "$log" | sed -E 's/^ *ok [0-9]+ - /    skipped: /'
    fail_step "$name (tests were skipped)"
  fi
  [ "$status" = 0 ] || fail_step "$name (node $(status_words "$status"))"
}

# python_tier NAME LOGFILE SECONDS VENV PYTEST-ARGS...: a Python tier; skipped or
# erroring tests fail it.
python_tier() {
  local name=$1 log=$2 seconds=$3 venv=$4 status last p f s
  shift 4
  if [ ! -x "$venv/bin/python" ]; then
    fail_step "$name (no $venv: run scripts/install.sh)"
    return
  fi
  timeout --kill-after=30 "$seconds" "$venv/bin/python" -m pytest -q -rsxX -p no:cacheprovider "$@" > "$log" 2>&1
  status=$?
  last=$(tail -n 1 "$log")
  echo "    $last"
  p=$(grep -oE '[0-9]+ passed' <<<"$last" | grep -oE '[0-9]+')
  f=$(grep -oE '[0-9]+ (failed|errors?)' <<<"$last" | grep -oE '[0-9]+' | paste -sd+ | bc)
  s=$(grep -oE '[0-9]+ (skipped|xfailed|xpassed|deselected)' <<<"$last" | grep -oE '[0-9]+' | paste -sd+ | bc)
  PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
  [ -n "$p" ] || fail_step "$name (did not run)"
  [ "${f:-0}" = 0 ] || grep -E '^(FAILED|ERROR)' "$log"
  if [ "${s:-0}" != 0 ]; then
    grep -E '^(SKIPPED|XFAIL|XPASS)' "$log" | sed 's/^/    skipped: /'
    fail_step "$name (tests were skipped)"
  fi
  [ "$status" = 0 ] || fail_step "$name (pytest $(status_words "$status"))"
}

lint() {
  step "lint: cargo fmt --check"
  run_checked "cargo fmt" 300 cargo fmt --all --check
  step "lint: clippy (host)"
  run_checked "clippy host" 1800 cargo clippy --workspace --all-targets --quiet -- -D warnings
  step "lint: clippy (wasm32)"
  run_checked "clippy wasm32" 1800 cargo clippy --lib --tests --target wasm32-unknown-unknown --quiet -- -D warnings
}

build() {
  step "build: sandbox and package"
  run_checked "sandbox build" 1800 cargo build --release -p kalbio-sandbox --quiet
  run_checked "package build" 1800 bash scripts/build-pkg.sh
}

tier1() {
  step "tier 1: native tests"
  cargo_tier "tier 1" "$LOG/tier1.log" 2400 test --workspace
}

# wasm_tier NAME LOG BROWSER DRIVER-VARIABLE DRIVER: tier 2 in one browser, against
# a sandbox of its own. The sandbox's URL is compiled into the test binary.
wasm_tier() {
  local name=$1 log=$2 browser=$3 driver_var=$4 driver=$5 dir pid url
  step "$name: wasm in headless $browser against the sandbox"
  if [ ! -x "$driver" ]; then
    fail_step "$name (no $driver_var at '$driver': run scripts/install.sh)"
    return
  fi
  dir=$(mktemp -d)
  ./target/release/kalbio-sandbox --port 0 --data-dir "$dir" --seed demo --test-hooks > "$log-sandbox.out" 2> "$log-sandbox.err" &
  pid=$!
  for _ in $(seq 100); do grep -q '^listening on ' "$log-sandbox.out" && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$log-sandbox.out")
  if [ -n "$url" ]; then
    export "$driver_var=$driver"
    KALBIO_SANDBOX_URL="$url" \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
      WASM_BINDGEN_TEST_TIMEOUT=120 \
      cargo_tier "$name" "$log.log" 2400 test --target wasm32-unknown-unknown --test web
    unset "$driver_var"
  else
    fail_step "$name (the sandbox did not start)"
  fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$dir"
}

tier2() {
  wasm_tier "tier 2" "$LOG/tier2" Chromium CHROMEDRIVER /usr/bin/chromedriver
}

tier2_firefox() {
  wasm_tier "tier 2 Firefox" "$LOG/tier2-firefox" "Firefox ESR" GECKODRIVER "$(command -v geckodriver)"
}

tier3js() {
  step "tier 3: the packed package in Node, bundlers' apps and a Web Worker, the .d.ts"
  node_tier "tier 3 JS" "$LOG/tier3-js.log" 3600 tests/js/*.test.mjs
}

tier3py() {
  step "tier 3: the official Python client (kalbio 0.5.0) against the sandbox"
  python_tier "python" "$LOG/tier3-python.log" 1800 tests/python/.venv \
    tests/python --ignore=tests/python/kalbio07
}

# Every Python test again under kalbio 0.7.0, plus the tests of what 0.7.0 changed.
tier3py07() {
  step "tier 3: the official Python client (kalbio 0.7.0, Python >= 3.12) against the sandbox"
  python_tier "python 0.7.0" "$LOG/tier3-python07.log" 1800 tests/python/.venv07 tests/python
}

# The self-test's fixtures, each run as an ordinary tier would run it.
fixture_crash() {
  step "fixture: a test binary that aborts"
  CARGO_TARGET_DIR=target/fixtures cargo_tier "fixture crash" "$LOG/fixture-crash.log" 600 \
    test --manifest-path tests/fixtures/crashing-tests/Cargo.toml
}
fixture_hang() {
  step "fixture: a JS test that never settles"
  node_tier "fixture hang" "$LOG/fixture-hang.log" 300 tests/fixtures/js/never-settles.test.mjs
}

# Runs this script over one fixture in a child and expects a red summary that
# names what went wrong; a green one fails the self-test.
expect_red() {
  local tier=$1 must_name=$2 out status
  out=$(KALBIO_TIERS=$tier KALBIO_TEST_LOG="$LOG/selftest-$tier" bash tests/run.sh 2>&1)
  status=$?
  printf '%s\n' "$out" | sed 's/^/    | /' | tail -n 8
  if [ "$status" != 0 ] && grep -qE '^steps that failed: ' <<<"$out" && grep -qF -- "$must_name" <<<"$out"; then
    PASSED=$((PASSED + 1)); echo "    ok: $tier turns the summary red and names \"$must_name\""
  else
    FAILED=$((FAILED + 1)); echo "    NOT OK: $tier left the summary green or did not name \"$must_name\""
  fi
}

selftest() {
  step "self-test: failures this script must not drop"
  expect_red fixture-crash "SIGABRT"
  expect_red fixture-hang "cancelled: this test never settles"
}

TIERS=${KALBIO_TIERS:-all}
TIERS=${TIERS/all/lint build tier1 tier2 tier2-firefox tier3js tier3py tier3py07 selftest}
for tier in $TIERS; do
  case "$tier" in
    lint) lint ;;
    build) build ;;
    tier1) tier1 ;;
    tier2) tier2 ;;
    tier2-firefox) tier2_firefox ;;
    tier3js) tier3js ;;
    tier3py) tier3py ;;
    tier3py07) tier3py07 ;;
    selftest) selftest ;;
    fixture-crash) fixture_crash ;;
    fixture-hang) fixture_hang ;;
    *) fail_step "unknown tier $tier" ;;
  esac
done

echo
if [ ${#BROKEN[@]} -gt 0 ]; then
  printf 'steps that failed:'
  printf ' [%s]' "${BROKEN[@]}"
  printf '\n'
fi
echo "${PASSED} passed, ${FAILED} failed"
[ "$FAILED" = 0 ] && [ ${#BROKEN[@]} = 0 ]
