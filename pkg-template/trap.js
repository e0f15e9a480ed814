// What a caller sees if the wasm module ever traps. scripts/build-pkg.sh appends
// this file to wasm-bindgen's glue (kalbio.js) and routes every call the glue makes
// into the module through guardWasm(instance.exports).
//
// The package is built with immediate abort: a Rust panic is a trap, with no
// message. A module that trapped stopped in the middle of a call, its heap and
// its task queue as the trap left them, so no later answer from it can be
// trusted. From the trap on, every call throws (or its promise rejects with) a
// KalbioError with code "trapped", and so do the promises that were still
// pending then. Only a new page (or worker) loads a working module again.

let wasmTrap = null;
// The reject functions of the module's promises still pending (an async call's
// promise), so that a trap can reject them.
const pendingRejects = new Set();
// What a callback answers once the module is dead: the glue reads a result's
// error flag (`ret[1]`) and finds none.
const DEAD_RESULT = Object.freeze([0, 0, 0, 0]);

function trappedError(cause) {
  const error = new Error(
    "kalbio's wasm module trapped (an internal fault) and cannot be used any more; reload the page to start again" +
      (cause ? `: ${cause.message}` : ""),
    cause ? { cause } : undefined,
  );
  error.name = "KalbioError";
  return Object.assign(error, { code: "trapped", status: null, method: null, path: null, body: null, requestId: null });
}

// Called when a call into the module threw: a trap poisons the module for good.
function afterThrow(thrown) {
  if (wasmTrap === null && thrown instanceof WebAssembly.RuntimeError) {
    wasmTrap = trappedError(thrown);
    console.error(wasmTrap);
    for (const reject of pendingRejects) reject(wasmTrap);
    pendingRejects.clear();
  }
  return wasmTrap ?? thrown;
}

// A promise's executor hands the module the promise's resolve and reject
// (built-in functions without a name) in `args`: they are swapped for ones that
// also keep the reject on file until the promise settles.
function fileExecutor(args) {
  const resolve = args[2];
  const reject = args[3];
  if (typeof resolve !== "function" || resolve.name !== "" || typeof reject !== "function" || reject.name !== "") return;
  pendingRejects.add(reject);
  args[2] = (value) => {
    pendingRejects.delete(reject);
    resolve(value);
  };
  args[3] = (error) => {
    pendingRejects.delete(reject);
    reject(error);
  };
}

function guardWasm(exports) {
  const guarded = {};
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== "function") {
      guarded[name] = value;
    } else if (/_free$|^__wbindgen_(free|exn_store|destroy_closure)/.test(name)) {
      // Finalizers and frees: nothing is left to free in a dead module, and they
      // run where no caller could catch an error.
      guarded[name] = function () {
        if (wasmTrap === null) return value.apply(undefined, arguments);
      };
    } else if (/closure|invoke/i.test(name)) {
      // A callback into Rust: from JS's event loop (a future's next step, an abort
      // signal), with no caller to throw to, or a promise's executor. A trap here
      // rejects the pending promises.
      guarded[name] = function () {
        if (wasmTrap !== null) return DEAD_RESULT;
        if (arguments.length === 4) fileExecutor(arguments);
        try {
          return value.apply(undefined, arguments);
        } catch (thrown) {
          // Called from inside a call into the module (a promise's executor), the
          // outer call sees the trap when it returns.
          if (afterThrow(thrown) === wasmTrap) return DEAD_RESULT;
          throw thrown;
        }
      };
    } else {
      guarded[name] = function () {
        if (wasmTrap !== null) throw trappedError(wasmTrap.cause);
        try {
          const result = value.apply(undefined, arguments);
          // A callback it made may have trapped, the trap swallowed there.
          if (wasmTrap !== null) throw trappedError(wasmTrap.cause);
          return result;
        } catch (thrown) {
          throw afterThrow(thrown);
        }
      };
    }
  }
  return guarded;
}
