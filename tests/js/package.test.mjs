// Tier 3: the packed tarball, installed as a user installs it, in Node 20 and in a Vite app in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { JS_DIR, ROOT, startSandbox, scratchProject, serveStatic, launchChromium } from "./helpers.mjs";

let sandbox;
before(async () => { sandbox = await startSandbox("--seed", "demo"); });
after(async () => { await sandbox?.stop(); });

test("the tarball installs into a Node 20 project and reads a record", async () => {
  const script = `
    import init, { KaleidoscopeClient, KalbioError, FilterRuleType } from "kalbio";
    await init();
    const client = new KaleidoscopeClient({ url: process.argv[2], clientId: "sandbox", clientSecret: "sandbox-secret" });
    const record = await client.records.getRecordById({ "Compound ID": "CMP-0042" });
    let error = null;
    try { await client.records.getRecordsByIds("not an array"); } catch (e) { error = { kalbio: e instanceof KalbioError, code: e.code }; }
    console.log(JSON.stringify({ identifier: record.record_identifier, json: record.toJSON().record_identifier, rule: FilterRuleType.IS_EQUAL, error }));
  `;
  const dir = scratchProject("node-app", { "main.mjs": script });
  const out = execFileSync(process.execPath, ["main.mjs", sandbox.url], { cwd: dir, encoding: "utf8" });
  const result = JSON.parse(out.trim().split("\n").pop());
  assert.deepEqual(result, {
    identifier: "CMP-0042",
    json: "CMP-0042",
    rule: "is_equal",
    error: { kalbio: true, code: "invalid_argument" },
  });
});

test("the tarball installs into a Vite app that reads a record in Chromium", async () => {
  const dir = scratchProject("vite-app");
  cpSync(join(JS_DIR, "vite-app"), dir, { recursive: true });
  execFileSync(process.execPath, [join(JS_DIR, "node_modules/vite/bin/vite.js"), "build"], { cwd: dir, stdio: "inherit" });
  const site = await serveStatic(join(dir, "dist"));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${site.url}/?sandbox=${encodeURIComponent(sandbox.url)}`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30000 });
    const result = await page.evaluate(() => window.__result);
    assert.deepEqual(errors, []);
    assert.equal(result.error, undefined, result.error);
    assert.equal(result.identifier, "CMP-0042");
    assert.deepEqual(result.rejected, { isKalbioError: true, code: "http_error", status: 400 });
  } finally {
    await browser.close();
    await site.close();
  }
});
