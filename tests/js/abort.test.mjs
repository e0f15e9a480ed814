// One AbortSignal reused for many calls, as a page does with one controller per
// view: every call removes its abort listener when it settles, so the signal
// holds no listener afterwards and the heap does not grow with the calls.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, startSandbox } from "./helpers.mjs";

let sandbox;
before(async () => { sandbox = await startSandbox("--seed", "demo"); });
after(async () => { await sandbox?.stop(); });

// Runs in a child Node with --expose-gc, so the heap can be measured after collections.
const probe = `
const k = await import(process.env.KALBIO_NODE);
await k.default();
const client = new k.KaleidoscopeClient({ url: process.env.SANDBOX_URL, clientId: "sandbox", clientSecret: "sandbox-secret" });
const record = await client.records.getRecordById({ "Compound ID": "CMP-0042" });
const controller = new AbortController();
const signal = controller.signal;
let active = 0, added = 0;
const add = signal.addEventListener.bind(signal), remove = signal.removeEventListener.bind(signal);
const held = new Set();
signal.addEventListener = (type, fn, opts) => { if (type === "abort" && !held.has(fn)) { held.add(fn); active++; added++; } return add(type, fn, opts); };
signal.removeEventListener = (type, fn, opts) => { if (type === "abort" && held.delete(fn)) active--; return remove(type, fn, opts); };
const round = async () => {
  for (let i = 0; i < 10000; i++) {
    await client.records.getRecordById(record.id, { signal });
  }
};
const heap = () => { global.gc(); global.gc(); return process.memoryUsage().heapUsed; };
await round();
const h1 = heap();
await round();
await round();
const h2 = heap();
process.stdout.write(JSON.stringify({ added, active, growthPerCall: (h2 - h1) / 20000 }));
`;

test("one AbortSignal reused for 30,000 calls keeps no listener and the heap does not grow", () => {
  const dir = mkdtempSync(join(tmpdir(), "kalbio-abort-"));
  writeFileSync(join(dir, "probe.mjs"), probe);
  const out = execFileSync(process.execPath, ["--expose-gc", join(dir, "probe.mjs")], {
    encoding: "utf8",
    env: { ...process.env, SANDBOX_URL: sandbox.url, KALBIO_NODE: join(ROOT, "pkg/node.js") },
    timeout: 240_000,
  });
  const { added, active, growthPerCall } = JSON.parse(out);
  console.log(`# ${added} listeners added, ${active} left, the heap grew ${growthPerCall.toFixed(1)} bytes a call`);
  assert.ok(added >= 30000, `each call listened for the abort (${added} listeners added)`);
  assert.equal(active, 0, "every listener was removed when its call settled");
  assert.ok(growthPerCall < 64, `the heap grew ${growthPerCall.toFixed(1)} bytes a call`);
});
