#!/usr/bin/env bash
# What takes the room in the package's wasm: builds it as `make pkg` does but keeps
# the function names (rustc's and through wasm-opt), then prints twiggy's largest items and the
# shipped code's bytes grouped by the crate each function comes from.
# Installs what it needs if missing (`make pkg-size` runs it; twiggy from crates.io).
set -euo pipefail
cd "$(dirname "$0")/.."

PROFILE=${KALBIO_WASM_PROFILE:-wasm-release}
OUT=tests/out/size
mkdir -p "$OUT"
# What the installs say goes to stderr: stdout is the breakdown (docs/size-breakdown.txt).
bash scripts/install.sh pkg >&2
command -v twiggy >/dev/null || cargo install twiggy --locked >&2
# The same profile with its symbols kept, in a target folder of its own so that the
# shipped build is not rebuilt afterwards.
source scripts/wasm-build-flags.sh
PROFILE_VAR=CARGO_PROFILE_$(echo "$PROFILE" | tr 'a-z-' 'A-Z_')_STRIP
export "$PROFILE_VAR=false"
CARGO_TARGET_DIR=target/size-names wasm_cargo build --lib --target wasm32-unknown-unknown --profile "$PROFILE" --quiet
wasm-bindgen --target web --out-dir "$OUT" --out-name kalbio "target/size-names/wasm32-unknown-unknown/$PROFILE/kalbio.wasm"
# The shipped optimisation; -g keeps the name section (wasm-opt drops it otherwise).
tests/js/node_modules/.bin/wasm-opt "${KALBIO_WASM_OPT:--Oz}" -g --detect-features -o "$OUT/named.wasm" "$OUT/kalbio_bg.wasm"

echo "== twiggy top -n 25, after wasm-opt, names kept (sizes before gzip)"
twiggy top -n 25 "$OUT/named.wasm"
echo
echo "== code and data by origin, after wasm-opt (bytes before gzip)"
twiggy top -n 1000000 --format csv "$OUT/named.wasm" > "$OUT/top.csv"
python3 - "$OUT/top.csv" <<'EOF'
import csv, re, sys
groups = {}
total = 0
with open(sys.argv[1]) as f:
    for row in csv.DictReader(f):
        name, size = row["Name"], int(row["ShallowSize"])
        total += size
        if name.startswith(("data[", "data segment")):
            key = "data segments (strings, tables)"
        elif name.startswith(("custom section", '"function names"', '"local names"')) or "subsection" in name:
            key = "name section (not shipped)"
        elif name.startswith(("type[", "elem[", "import ", "export ", "global[", "table[", "memory[", "wasm magic")) or "section headers" in name:
            key = "wasm structure (types, imports, exports, tables)"
        elif "shim" in name:
            key = "wasm-bindgen export shims (the exports' bodies inlined into them)"
        elif re.search(r"flt2dec|dec2flt|<f64 as core\S*::(fmt|str)", name):
            key = "f64 formatting and parsing (core)"
        elif name.startswith(("<str>", "<char>", "<[")):
            key = "Rust std (core, alloc, hashbrown, dlmalloc)"
        else:
            # The first crate named in the symbol: `<&mut serde_json::de::X as ...>` -> serde_json,
            # `core[c5930c85a12de822]::num::...` -> core.
            m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[[0-9a-f]+\])?::", name)
            crate = m.group(1) if m else "(unnamed)"
            if crate in ("core", "alloc", "std", "hashbrown", "dlmalloc", "compiler_builtins"):
                crate = "Rust std (core, alloc, hashbrown, dlmalloc)"
            key = crate
        groups[key] = groups.get(key, 0) + size
shipped = total - groups.get("name section (not shipped)", 0)
for key, size in sorted(groups.items(), key=lambda kv: -kv[1])[:18]:
    share = "" if key.startswith("name section") else f"{100 * size / shipped:5.1f}%"
    print(f"{size:>9} B {share:>6}  {key}")
print(f"{shipped:>9} B  in all, names left out")
EOF
