// The Node entry of `kalbio` (Node 20.19+ or 22.12+: global fetch, and `require`
// of an ES module), also what server-side rendering and route handlers import.
// Importing it reads and compiles nothing: the wasm module is loaded on `await
// init()` or, without it, by the first `new KaleidoscopeClient(...)`. Bundlers
// for servers (Next.js, webpack, Turbopack) rewrite `new URL(file,
// import.meta.url)`, so the file is looked for by path, from where this module
// was, then where Node resolves the package from the working directory.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import browserInit, { initSync, KaleidoscopeClient as BrowserClient, KalbioError } from "./index.js";

export * from "./index.js";

const WASM_FILE = "kalbio_bg.wasm";
let loaded = null;

/** Where the wasm file may be: beside this module, then the package Node resolves from the working directory. */
function candidates() {
  const places = [];
  try {
    const here = String(import.meta.url);
    if (here.startsWith("file:")) places.push(join(dirname(fileURLToPath(here)), WASM_FILE));
  } catch {
    // import.meta.url rewritten into something that is not a file URL.
  }
  try {
    const fromCwd = createRequire(join(process.cwd(), "noop.js"));
    places.push(join(dirname(fromCwd.resolve("kalbio/package.json")), WASM_FILE));
  } catch {
    // The working directory does not see the package.
  }
  return places;
}

/** Reads and compiles the wasm file once; throws a KalbioError `init_failed` naming where it looked. */
function loadFromDisk() {
  if (loaded) return loaded;
  const places = candidates();
  const failures = [];
  for (const place of places) {
    let bytes;
    try {
      bytes = readFileSync(place);
    } catch (e) {
      failures.push(`${place}: ${e.code || e.message}`);
      continue;
    }
    loaded = initSync({ module: bytes }); // a file that does not compile: a KalbioError init_failed
    return loaded;
  }
  throw new KalbioError(
    `kalbio could not find ${WASM_FILE} (looked in ${failures.join("; ") || "no place"}): a bundler moved the package; pass the file's bytes to init({ module_or_path }) or leave kalbio out of the server bundle`,
    { code: "init_failed" },
  );
}

/**
 * Loads the wasm module from the package's files; resolves when every class is
 * ready. Optional in Node: the first `new KaleidoscopeClient(...)` loads it too.
 * Given bytes, a `WebAssembly.Module` or `{ module_or_path }`, loads that instead.
 * Rejects with a `KalbioError` whose `code` is `"init_failed"` when the file is
 * missing or does not compile.
 */
export default async function init(moduleOrPath) {
  if (moduleOrPath !== undefined) {
    loaded = await browserInit(moduleOrPath);
    return loaded;
  }
  return loadFromDisk();
}

/**
 * A client for the Kaleidoscope API. In Node the first one made loads the wasm
 * module if `init()` has not (it throws a `KalbioError` `init_failed` when it cannot).
 */
export class KaleidoscopeClient extends BrowserClient {
  constructor(options) {
    loadFromDisk();
    super(options);
  }
}
