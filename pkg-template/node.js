// The Node entry of `kalbio` (Node 20.19+ or 22.12+: global fetch, and `require`
// of an ES module). The wasm module is loaded from disk on import, so `await init()`
// is harmless and optional.
import { readFileSync } from "node:fs";
import { initSync } from "./index.js";

initSync({ module: readFileSync(new URL("./kalbio_bg.wasm", import.meta.url)) });

export * from "./index.js";

/** Already done on import in Node; kept so the same code runs in browsers and Node. */
export default async function init() {}
