#!/usr/bin/env bash
# make fuzz: runs each fuzz target for FUZZ_SECONDS (default 60) with cargo-fuzz
# on the nightly toolchain, two at a time, and prints the executions per target.
# `make fuzz` installs both first (scripts/install.sh fuzz).
# A crash leaves its input in fuzz/artifacts/<target>/: turn it into a test in
# tests/fuzz_regressions.rs.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
SECONDS_EACH=${FUZZ_SECONDS:-60}
cargo +nightly fuzz build
run() {
  mkdir -p "corpus/$1"
  cargo +nightly fuzz run "$1" "corpus/$1" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 > "../tests/out/fuzz-$1.log" 2>&1
  echo "$1: $(grep -oE 'Done [0-9]+ runs in [0-9]+ second' "../tests/out/fuzz-$1.log" | tail -1)"
}
mkdir -p ../tests/out
status=0
run decode_record & a=$!; run filter_eval & b=$!
wait $a || status=1; wait $b || status=1
run query_params & a=$!; run value_selection & b=$!
wait $a || status=1; wait $b || status=1
run decode_store & a=$!; run read_snapshot & b=$!
wait $a || status=1; wait $b || status=1
exit $status
