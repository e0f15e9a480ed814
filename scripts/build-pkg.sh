#!/usr/bin/env bash
# Builds the npm package into pkg/: the release wasm (scripts/wasm-build-flags.sh),
# wasm-bindgen, the trap guard in the glue, wasm-opt -Oz, pkg-template/ copied in,
# the JS minified with source maps, and prints the gzipped size of wasm plus JS glue.
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${KALBIO_WASM_PROFILE:-wasm-release}
source scripts/wasm-build-flags.sh
wasm_cargo build --lib --target wasm32-unknown-unknown --profile "$PROFILE" --quiet
rm -rf pkg && mkdir -p pkg
wasm-bindgen --target web --out-dir pkg --out-name kalbio "target/wasm32-unknown-unknown/$PROFILE/kalbio.wasm"
guard_glue pkg/kalbio.js

WASM_OPT=tests/js/node_modules/.bin/wasm-opt
# --converge repeats -Oz until it stops shrinking; --low-memory-unused lets it fold
# constant addresses (Rust puts nothing in the first KB: its stack and data start at 1 MB).
"$WASM_OPT" "${KALBIO_WASM_OPT:--Oz}" --converge --low-memory-unused --strip-debug --strip-producers --detect-features -o pkg/kalbio_bg.opt.wasm pkg/kalbio_bg.wasm
mv pkg/kalbio_bg.opt.wasm pkg/kalbio_bg.wasm

# The handles keep [Symbol.dispose] at run time; its declaration needs lib
# esnext.disposable, which a project on lib ES2022 lacks (TS2550 with skipLibCheck off).
sed -i '/^ *\[Symbol\.dispose\]()/d' pkg/kalbio.d.ts

cp pkg-template/index.js pkg-template/index.d.ts pkg-template/node.js pkg-template/handles.js \
  pkg-template/server.js pkg-template/server.d.ts pkg/
minify_js pkg/kalbio.js
minify_js pkg/index.js
minify_js pkg/handles.js
for snippet in $(find pkg/snippets -name '*.js'); do minify_js "$snippet"; done
cp pkg-template/README.md pkg/README.md
# The filter rules' reference, which the .d.ts points to.
mkdir -p pkg/docs && cp docs/filters.md pkg/docs/filters.md
cp LICENSE pkg/LICENSE
VERSION=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
sed "s/\"version\": \"0.0.0\"/\"version\": \"$VERSION\"/" pkg-template/package.json > pkg/package.json

gz() { gzip -9 -c "$1" | wc -c; }
WASM=$(gz pkg/kalbio_bg.wasm)
GLUE=$(( $(gz pkg/kalbio.js) + $(gz pkg/index.js) + $(gz pkg/handles.js) ))
# The JS snippets wasm-bindgen writes beside the glue (src/wasm/glue.js).
for snippet in $(find pkg/snippets -name '*.js'); do GLUE=$(( GLUE + $(gz "$snippet") )); done
printf 'package size: wasm %d B + JS glue %d B = %d B gzipped (%.1f KB)\n' "$WASM" "$GLUE" $((WASM + GLUE)) "$(echo "($WASM + $GLUE) / 1024" | bc -l)"
echo "$((WASM + GLUE))" > pkg/.gzip-size
