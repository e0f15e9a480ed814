// Off the main thread: the package, loaded in a module Web Worker in Chromium (no
// `window`), reads, writes and queries against the sandbox.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { ROOT, startSandbox, serveStatic, launchChromium } from "./helpers.mjs";

let sandbox, site, browser;
before(async () => {
  sandbox = await startSandbox("--seed", "demo");
  site = await serveStatic(ROOT);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await site?.close();
  await sandbox?.stop();
});

test("in a module Web Worker the package reads, writes and queries", async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${site.url}/tests/js/worker/index.html`);
  const answer = await page.evaluate((url) => new Promise((resolve) => {
    const worker = new Worker("/tests/js/worker/kalbio-worker.mjs", { type: "module" });
    worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
    worker.onerror = (e) => resolve({ error: `the worker failed: ${e.message}` });
    worker.postMessage({ url });
  }), sandbox.url);
  assert.equal(answer.error, undefined, answer.error);
  assert.deepEqual(answer.result, {
    scope: { window: "undefined", document: "undefined", worker: true },
    identifier: "CMP-0042",
    written: true,
    shown: true,
    reread: true,
    searched: true,
    cached: true,
    invalid: { kalbio: true, code: "invalid_argument" },
    aborted: "aborted",
  });
  assert.deepEqual(errors, []);
});
