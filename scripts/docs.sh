#!/usr/bin/env bash
# Builds the API reference from the shipped .d.ts (pkg/index.d.ts and what it
# re-exports) into docs/api/ with TypeDoc (typedoc.json). Any warning fails the
# build, an export without a doc comment included. `make docs` builds pkg/ first;
# run alone, this expects pkg/ to be there. Extra arguments go to TypeDoc
# (for example `--out DIR`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f pkg/index.d.ts ]; then
  echo "docs: pkg/index.d.ts is missing; run make pkg (or make docs) first" >&2
  exit 1
fi
exec node tests/js/typedoc/node_modules/typedoc/bin/typedoc --options typedoc.json --logLevel Warn "$@"
