# Sourced by build-pkg.sh and size-breakdown.sh: how the package's wasm is built.
#
# The standard library is rebuilt for size (build-std with `optimize_for_size`) and
# a panic is an immediate abort: a trap with no message and none of std's panic
# formatting in the binary, nor the source locations panics would have named
# (docs/performance.md has each lever's saving). These are
# unstable options; RUSTC_BOOTSTRAP=1 lets the pinned stable toolchain take them
# for this build alone, with the rust-src component (scripts/install.sh pkg).
# The native build, the sandbox and the tests build as usual.
# KALBIO_BUILD_STD=0 builds as plain stable does, to measure the difference.
wasm_cargo() {
  if [ "${KALBIO_BUILD_STD:-1}" = 1 ]; then
    RUSTC_BOOTSTRAP=1 RUSTFLAGS="${RUSTFLAGS:-} -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
      cargo "$1" -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size "${@:2}"
  else
    cargo "$@"
  fi
}

# Routes every call wasm-bindgen's glue makes into the module through the trap
# guard (pkg-template/trap.js), appended to the glue: after a trap, every call
# throws a KalbioError with code "trapped" instead of answering from a broken module.
guard_glue() {
  local glue=$1
  if [ "$(grep -c '^    wasm = instance.exports;$' "$glue")" != 1 ]; then
    echo "build-pkg: wasm-bindgen's glue no longer sets 'wasm = instance.exports;' once: update guard_glue" >&2
    return 1
  fi
  sed -i 's/^    wasm = instance.exports;$/    wasm = guardWasm(instance.exports);/' "$glue"
  { echo; cat pkg-template/trap.js; } >> "$glue"
}

# Minifies a JS file of the package in place (esbuild), beside a source map that
# holds the readable text: what a browser downloads is smaller, and devtools and
# `node --enable-source-maps` still show the code as written. The .d.ts files are
# left as they are.
minify_js() {
  local file=$1 name readable
  name=$(basename "$file")
  readable=target/glue/$name
  mkdir -p target/glue
  mv "$file" "$readable"
  # wasm-bindgen's first line, `/* @ts-self-types="./kalbio.d.ts" */`, tells Deno
  # and JSR where the types are: kept.
  local banner
  banner=$(head -n 1 "$readable" | grep -E '^/\* @ts-self-types=' || true)
  tests/js/node_modules/.bin/esbuild "$readable" --minify --format=esm --sourcemap --sources-content=true \
    --banner:js="$banner" --outfile="$file" --log-level=warning
  # The map names its source as the package's own file, not this build's scratch path.
  sed -i "s|\"sources\": \[\"[^\"]*\"\]|\"sources\": [\"readable/$name\"]|" "$file.map"
}
