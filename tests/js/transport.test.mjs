// The fetch transport's own guards, in Node (the same wasm code as in browsers).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./helpers.mjs";

test("a header value fetch rejects is a KalbioError naming the header, not its value, and the module keeps working", async () => {
  const k = await import(join(ROOT, "pkg/node.js"));
  // Port 9 (discard) refuses the connection: no sandbox needed.
  const base = { url: "http://127.0.0.1:9", clientId: "sandbox", clientSecret: "sandbox-secret", maxRetries: 0 };
  const bad = new k.KaleidoscopeClient({ ...base, additionalHeaders: { "X-Proxy-Token": "tok-SECRET-42\nx" } });
  const error = await bad.records.getRecordById("00000000-0000-4000-8000-000000000000").catch((e) => e);
  assert.ok(error instanceof k.KalbioError, String(error));
  assert.equal(error.code, "network_error");
  assert.match(error.message, /X-Proxy-Token/);
  assert.doesNotMatch(JSON.stringify({ ...error, message: error.message, stack: error.stack }), /SECRET/);
  const fine = new k.KaleidoscopeClient(base);
  const next = await fine.records.getRecordById("00000000-0000-4000-8000-000000000000").catch((e) => e);
  assert.equal(next.code, "network_error");
  assert.doesNotMatch(next.message, /X-Proxy-Token/);
});
