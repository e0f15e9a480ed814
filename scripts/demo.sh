#!/usr/bin/env bash
# make demo: start the sandbox with its demo data and serve the example dashboard
# (examples/dashboard, built against pkg/). Both keep running until Ctrl-C.
#   DEMO_PORT       the sandbox's port (default 8787)
#   DASHBOARD_PORT  the dashboard's port (default 5173)
#   DEMO_DATA       the sandbox's data folder (default .sandbox-data)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${DEMO_PORT:-8787}
DASHBOARD_PORT=${DASHBOARD_PORT:-5173}
DATA=${DEMO_DATA:-.sandbox-data}
OUT=$(mktemp)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -f "$OUT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

./target/release/kalbio-sandbox --port "$PORT" --data-dir "$DATA" --seed demo > "$OUT" &
PIDS+=($!)
for _ in $(seq 300); do grep -q '^listening on ' "$OUT" && break; kill -0 "${PIDS[0]}" 2>/dev/null || exit 1; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$OUT")

# The dashboard depends on pkg/ like a user's app; npm links it (scripts/install.sh
# ran `npm ci` there), so a rebuilt package is picked up without reinstalling.
(cd examples/dashboard && node node_modules/vite/bin/vite.js build --logLevel error)
(cd examples/dashboard && exec node node_modules/vite/bin/vite.js preview --host 127.0.0.1 --port "$DASHBOARD_PORT" --strictPort --logLevel error) &
PIDS+=($!)
DASHBOARD="http://127.0.0.1:${DASHBOARD_PORT}/?sandbox=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$URL")"
for _ in $(seq 100); do curl -fs -o /dev/null "$DASHBOARD" && break; sleep 0.1; done

echo
echo "sandbox:   $URL   (data in $DATA)"
echo "dashboard: $DASHBOARD"
echo "           sign in with client id 'sandbox' and secret 'sandbox-secret'"
echo "A scripted tour of the client: node examples/walkthrough.mjs $URL"
echo "Ctrl-C stops both."
wait
