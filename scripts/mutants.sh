#!/usr/bin/env bash
# make mutants: cargo-mutants over src/core/client/, filter.rs and select.rs
# (.cargo/mutants.toml), with the native tests. Installs cargo-mutants first if
# missing. Prints caught / missed / unviable / timed out and every missed mutant.
# MUTANTS_JOBS (default 2) builds that many mutants side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=27.0.0
if [ "$(cargo mutants --version 2>/dev/null | awk '{print $2}')" != "$VERSION" ]; then
  echo "[mutants] cargo install cargo-mutants --version $VERSION"
  cargo install cargo-mutants --version "$VERSION"
fi
OUT=target/mutants
mkdir -p "$OUT"
status=0
cargo mutants --no-shuffle --jobs "${MUTANTS_JOBS:-2}" --output "$OUT" "$@" || status=$?
# cargo-mutants exits 2 when mutants were missed, 3 when some timed out: report, then pass that on.
python3 - "$OUT/mutants.out/outcomes.json" <<'PY'
import collections, json, sys
outcomes = json.load(open(sys.argv[1]))
by_file = collections.defaultdict(collections.Counter)
missed = []
for o in outcomes.get("outcomes", []):
    scenario = o.get("scenario")
    if not isinstance(scenario, dict):
        continue
    mutant = scenario["Mutant"]
    summary = o["summary"]
    path = mutant["file"]
    by_file[path][summary] += 1
    if summary == "MissedMutant":
        line = mutant.get("span", {}).get("start", {}).get("line", "?")
        missed.append(f"{path}:{line}: {mutant.get('name') or mutant.get('function', {}).get('function_name', '')} -> {mutant.get('replacement', '')}")
total = collections.Counter()
for counts in by_file.values():
    total.update(counts)
viable = total["CaughtMutant"] + total["MissedMutant"] + total["Timeout"]
print(f"\nmutants: {total['CaughtMutant']} caught, {total['MissedMutant']} missed, {total['Timeout']} timed out, {total['Unviable']} unviable")
if viable:
    print(f"missed: {100 * total['MissedMutant'] / viable:.1f}% of {viable} viable")
for path in sorted(by_file):
    c = by_file[path]
    print(f"  {path}: {c['CaughtMutant']} caught, {c['MissedMutant']} missed, {c['Timeout']} timed out, {c['Unviable']} unviable")
for m in missed:
    print("  missed:", m)
PY
exit "$status"
