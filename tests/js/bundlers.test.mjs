// Tier 3: the packed tarball as each bundler's user meets it. Each app is what the
// npm README's "Loading" section tells that bundler's user to write; it is built
// with the bundler, served, and run in Chromium, where it reads a record and gets a
// KalbioError. Node loads the package by `require` (package.test.mjs: by `import`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startSandbox, scratchProject, serveStatic, launchChromium } from "./helpers.mjs";

let sandbox;
before(async () => { sandbox = await startSandbox("--seed", "demo"); });
after(async () => { await sandbox?.stop(); });

// A user's app: `setup` is the bundler-specific part (imports and the init call).
const app = (setup) => `
import init, { KaleidoscopeClient, FilterRuleType, KalbioError } from "kalbio";
${setup}
const sandbox = new URLSearchParams(location.search).get("sandbox");
try {
  const client = new KaleidoscopeClient({ url: sandbox, clientId: "sandbox", clientSecret: "sandbox-secret" });
  const record = await client.records.getRecordById({ "Compound ID": "CMP-0042" });
  let rejected = null;
  try {
    await client.records.searchRecords({ entity_field_filters: [{ field_id: "nope", filter_type: FilterRuleType.IS_SET }] });
  } catch (e) {
    rejected = { isKalbioError: e instanceof KalbioError, code: e.code, status: e.status };
  }
  window.__result = { identifier: record.record_identifier, rejected };
} catch (e) {
  window.__result = { error: String((e && e.stack) || e) };
}
`;

const html = (script) => `<!doctype html><meta charset="utf-8"><title>kalbio</title>${script}`;

/** Serves dist/, runs the app in Chromium; answers its result and the wasm files it fetched. */
async function runInChromium(dist) {
  const site = await serveStatic(dist);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    const wasm = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("response", (r) => { if (r.url().endsWith(".wasm")) wasm.push(r.status()); });
    await page.goto(`${site.url}/?sandbox=${encodeURIComponent(sandbox.url)}`);
    await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30000 });
    const result = await page.evaluate(() => window.__result);
    assert.deepEqual(errors, []);
    return { result, wasm };
  } finally {
    await browser.close();
    await site.close();
  }
}

function assertReadsAndRejects({ result, wasm }) {
  assert.equal(result.error, undefined, result.error);
  assert.deepEqual(result, { identifier: "CMP-0042", rejected: { isKalbioError: true, code: "http_error", status: 400 } });
  assert.deepEqual(wasm, [200], "the page fetched the package's wasm file once, from the bundle's output");
}

const emittedWasm = (dist) => readdirSync(dist).filter((f) => f.endsWith(".wasm"));

test("esbuild: a .wasm file loader and init({ module_or_path })", async () => {
  const dir = scratchProject("esbuild-app", {
    "main.js": app(`import wasmUrl from "kalbio/kalbio_bg.wasm";\nawait init({ module_or_path: wasmUrl });`),
  });
  const esbuild = await import("esbuild");
  await esbuild.build({
    absWorkingDir: dir, entryPoints: ["main.js"], bundle: true, format: "esm", outdir: "dist",
    loader: { ".wasm": "file" }, logLevel: "warning",
  });
  writeFileSync(join(dir, "dist/index.html"), html(`<script type="module" src="./main.js"></script>`));
  assert.equal(emittedWasm(join(dir, "dist")).length, 1);
  assertReadsAndRejects(await runInChromium(join(dir, "dist")));
});

test("webpack 5: plain init(), the wasm found through new URL(…, import.meta.url)", async () => {
  const dir = scratchProject("webpack-app", { "main.js": app("await init();") });
  const { default: webpack } = await import("webpack");
  const stats = await new Promise((resolve, reject) => {
    webpack({ mode: "production", context: dir, entry: "./main.js", output: { path: join(dir, "dist"), filename: "main.js" } },
      (error, s) => (error ? reject(error) : resolve(s)));
  });
  assert.equal(stats.hasErrors(), false, stats.toString("errors-only"));
  writeFileSync(join(dir, "dist/index.html"), html(`<script src="./main.js"></script>`));
  assert.equal(emittedWasm(join(dir, "dist")).length, 1);
  assertReadsAndRejects(await runInChromium(join(dir, "dist")));
});

test("Rollup: node-resolve, @rollup/plugin-url for .wasm and init({ module_or_path })", async () => {
  const dir = scratchProject("rollup-app", {
    "main.js": app(`import wasmUrl from "kalbio/kalbio_bg.wasm";\nawait init({ module_or_path: wasmUrl });`),
  });
  const { rollup } = await import("rollup");
  const { default: resolve } = await import("@rollup/plugin-node-resolve");
  const { default: url } = await import("@rollup/plugin-url");
  mkdirSync(join(dir, "dist"), { recursive: true });
  const bundle = await rollup({
    input: join(dir, "main.js"),
    plugins: [resolve({ browser: true }), url({ include: ["**/*.wasm"], limit: 0 })],
    onwarn: (warning) => { throw new Error(`rollup: ${warning.message}`); },
  });
  await bundle.write({ dir: join(dir, "dist"), format: "es" });
  await bundle.close();
  writeFileSync(join(dir, "dist/index.html"), html(`<script type="module" src="./main.js"></script>`));
  assert.equal(emittedWasm(join(dir, "dist")).length, 1);
  assertReadsAndRejects(await runInChromium(join(dir, "dist")));
});

test("Node: require(\"kalbio\") loads the package and reads a record", () => {
  // Node loads an ES module by require() from 20.19 and 22.12 on; engines says so.
  const dir = scratchProject("node-require", {
    "main.cjs": `
      const { KaleidoscopeClient, FilterRuleType } = require("kalbio");
      const client = new KaleidoscopeClient({ url: process.argv[2], clientId: "sandbox", clientSecret: "sandbox-secret" });
      client.records.getRecordById({ "Compound ID": "CMP-0042" })
        .then((r) => console.log(JSON.stringify({ identifier: r.record_identifier, rule: FilterRuleType.IS_SET })));
    `,
  });
  const out = execFileSync(process.execPath, ["main.cjs", sandbox.url], { cwd: dir, encoding: "utf8" });
  assert.deepEqual(JSON.parse(out.trim().split("\n").pop()), { identifier: "CMP-0042", rule: "is_set" });
});
