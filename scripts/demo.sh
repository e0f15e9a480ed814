#!/usr/bin/env bash
# make demo: start the sandbox with its demo data, then show the client at work.
# The sandbox keeps running until Ctrl-C (DEMO_EXIT=1 stops it after the walk-through).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${DEMO_PORT:-8787}
DATA=${DEMO_DATA:-.sandbox-data}
OUT=$(mktemp)
./target/release/kalbio-sandbox --port "$PORT" --data-dir "$DATA" --seed demo > "$OUT" &
PID=$!
trap 'kill $PID 2>/dev/null; rm -f "$OUT"' EXIT
for _ in $(seq 300); do grep -q '^listening on ' "$OUT" && break; kill -0 $PID 2>/dev/null || exit 1; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$OUT")
echo "sandbox: $URL (client id: sandbox, secret: sandbox-secret; data in $DATA)"
echo
node examples/walkthrough.mjs "$URL"
echo
if [ "${DEMO_EXIT:-0}" = 1 ]; then exit 0; fi
echo "The sandbox is still serving $URL for your own code. Ctrl-C stops it."
wait $PID
