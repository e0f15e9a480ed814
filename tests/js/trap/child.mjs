// One trap, in a process of its own (a trapped module stays trapped): loads the
// package with a test build of its wasm in which some exports trap, and prints
// what each call answered as one JSON line.
//   node child.mjs sync   cacheStats() traps while a request is pending
//   node child.mjs async  a future's first turn traps, in the event loop
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import binaryen from "binaryen";
import init, { KaleidoscopeClient, KalbioError } from "../../../pkg/index.js";
import { ROOT } from "../helpers.mjs";

const which = process.argv[2];

/** The shipped wasm with the chosen functions' bodies replaced by `unreachable`. */
function trappingBuild(choose) {
  const module = binaryen.readBinary(readFileSync(join(ROOT, "pkg/kalbio_bg.wasm")));
  const trapped = [];
  for (let i = 0; i < module.getNumExports(); i++) {
    const info = binaryen.getExportInfo(module.getExportByIndex(i));
    if (info.kind !== binaryen.ExternalFunction) continue;
    const fn = module.getFunction(info.value);
    if (!choose(info.name, binaryen.expandType(binaryen.Function.getParams(fn)).length)) continue;
    binaryen.Function.setBody(fn, module.unreachable());
    trapped.push(info.name);
  }
  if (trapped.length === 0) throw new Error("no export was chosen to trap");
  const bytes = module.emitBinary();
  module.dispose();
  return { bytes, trapped };
}

/** What a call answered: its value, or the error's name, code, class and cause. */
async function outcome(call) {
  const seen = (e) => ({
    threw: true,
    name: e?.name,
    code: e?.code,
    kalbioError: e instanceof KalbioError,
    runtimeError: e instanceof WebAssembly.RuntimeError,
    causeIsTrap: e?.cause instanceof WebAssembly.RuntimeError,
  });
  let result;
  try {
    result = call();
  } catch (e) {
    return { sync: true, ...seen(e) };
  }
  try {
    return { sync: false, threw: false, value: typeof (await result) };
  } catch (e) {
    return { sync: false, ...seen(e) };
  }
}

// A server that takes requests and never answers them: calls stay pending.
const server = createServer(() => {});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const options = { url: `http://127.0.0.1:${server.address().port}`, clientId: "c", clientSecret: "s" };
const id = "0b6f8a4c-2d1e-4f3a-9c5b-7e8d9f0a1b2c";
const out = { which };
const errors = [];
console.error = (...args) => errors.push(args.map(String).join(" "));

if (which === "sync") {
  const { bytes, trapped } = trappingBuild((name) => name === "kaleidoscopeclient_cacheStats");
  out.trapped = trapped;
  await init({ module_or_path: bytes });
  const client = new KaleidoscopeClient(options);
  const pending = client.records.getRecordById(id);
  // Its first turn has run: the token request is on its way to the silent server.
  await new Promise((resolve) => setTimeout(resolve, 200));
  out.trap = await outcome(() => client.cacheStats());
  out.pending = await outcome(() => pending);
} else {
  // The callbacks the event loop makes into the module (a task queue's turn, a
  // fetch's answer: at most one JS value), not a promise's executor (resolve, reject).
  const { bytes, trapped } = trappingBuild((name, params) => /closures.*invoke/.test(name) && params < 4);
  out.trapped = trapped;
  await init({ module_or_path: bytes });
  const client = new KaleidoscopeClient(options);
  out.trap = await outcome(() => client.records.getRecordById(id));
}
out.laterSync = await outcome(() => new KaleidoscopeClient(options));
out.laterAsync = await outcome(() => new KaleidoscopeClient(options).records.getRecordById(id));
out.consoleErrors = errors.length;
// The dead module's timers (a request's timeout) would keep the process alive.
process.stdout.write(JSON.stringify(out) + "\n", () => process.exit(0));
