// A wasm module that trapped is not trusted again: the call that trapped and every
// later one fail with a KalbioError whose code is "trapped", pending promises
// included. The package is built with immediate abort, so a panic is such a trap.
// The traps come from test builds of the shipped wasm (tests/js/trap/child.mjs
// replaces chosen exports' bodies with `unreachable`), each in its own process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { JS_DIR } from "./helpers.mjs";

const run = (which) =>
  JSON.parse(execFileSync(process.execPath, [join(JS_DIR, "trap/child.mjs"), which], { encoding: "utf8", timeout: 60_000 }));

const trappedError = { threw: true, name: "KalbioError", code: "trapped", kalbioError: true, runtimeError: false, causeIsTrap: true };

test("a trap in a sync call throws a KalbioError 'trapped'; the pending call and every later one fail alike", () => {
  const out = run("sync");
  assert.deepEqual(out.trapped, ["kaleidoscopeclient_cacheStats"]);
  assert.deepEqual(out.trap, { sync: true, ...trappedError });
  assert.deepEqual(out.pending, { sync: false, ...trappedError }, "the request pending at the trap rejects");
  assert.deepEqual(out.laterSync, { sync: true, ...trappedError }, "a later constructor, not itself broken, fails");
  assert.equal(out.laterAsync.code, "trapped");
  assert.equal(out.consoleErrors, 1, "the trap is logged once");
});

test("a trap in a future's turn, in the event loop, rejects that call with a KalbioError 'trapped'", () => {
  const out = run("async");
  assert.ok(out.trapped.length >= 1, "some event-loop callbacks were made to trap");
  assert.deepEqual(out.trap, { sync: false, ...trappedError });
  assert.deepEqual(out.laterSync, { sync: true, ...trappedError });
  assert.equal(out.laterAsync.code, "trapped");
  assert.equal(out.consoleErrors, 1, "the trap is logged once");
});
