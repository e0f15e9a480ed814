// How init() fails where a deployment gets it wrong: a Content-Security-Policy
// without 'wasm-unsafe-eval', and a wasm URL the server does not have. Each
// rejects with a KalbioError init_failed that keeps the browser's error as its
// cause; the same page with 'wasm-unsafe-eval' loads (in Chromium). And the Node
// entry: importing it loads nothing, a missing wasm file is an init_failed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, existsSync, statSync, mkdtempSync, cpSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, extname } from "node:path";
import { ROOT, launchChromium } from "./helpers.mjs";

const MIME = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

// The page imports the package and reports init()'s outcome in #result.
const PAGE = (wasm) => `<!doctype html><meta charset="utf-8"><pre id="result">loading</pre>
<script type="module" src="/page.js?wasm=${encodeURIComponent(wasm)}"></script>`;
const SCRIPT = `
import init, { KalbioError } from "/pkg/index.js";
const wasm = new URL(import.meta.url).searchParams.get("wasm");
const show = (value) => { document.getElementById("result").textContent = JSON.stringify(value); };
init(wasm ? { module_or_path: wasm } : undefined).then(
  () => show({ loaded: true }),
  (e) => show({ kalbio: e instanceof KalbioError, name: e.name, code: e.code, hasCause: e.cause !== undefined, message: e.message }),
);
`;

// Named in the summary: these pages are Chromium's alone, not scenarios run per engine.
console.log("not run in firefox or webkit: loading.test.mjs's CSP pages (a deployment check, not engine behaviour; Chromium's evaluate is not governed by the page's policy)");

let server;
let base;
before(async () => {
  // ?csp=strict: no 'wasm-unsafe-eval'; ?csp=wasm: with it.
  server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    const policy = url.searchParams.get("csp") === "wasm" ? "script-src 'self' 'wasm-unsafe-eval'" : "script-src 'self'";
    if (url.pathname === "/page.html") {
      res.writeHead(200, { "content-type": "text/html", "content-security-policy": policy });
      res.end(PAGE(url.searchParams.get("wasm") || ""));
      return;
    }
    if (url.pathname === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(SCRIPT);
      return;
    }
    const file = join(ROOT, url.pathname);
    if (!file.startsWith(join(ROOT, "pkg")) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<!doctype html><title>not found</title>");
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(async () => {
  await new Promise((r) => server?.close(r));
});

async function outcome(path) {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${base}${path}`);
    await page.waitForFunction(() => document.getElementById("result").textContent !== "loading", null, { timeout: 30_000 });
    return JSON.parse(await page.textContent("#result"));
  } finally {
    await browser.close();
  }
}

test("init() under a Content-Security-Policy without 'wasm-unsafe-eval' rejects with a KalbioError init_failed", async () => {
  const got = await outcome("/page.html?csp=strict");
  assert.deepEqual({ ...got, message: undefined }, { kalbio: true, name: "KalbioError", code: "init_failed", hasCause: true, message: undefined });
  assert.match(got.message, /could not load its wasm module/);
});

test("init() with a wasm URL the server does not have rejects with a KalbioError init_failed", async () => {
  const got = await outcome(`/page.html?csp=wasm&wasm=${encodeURIComponent("/pkg/missing.wasm")}`);
  assert.equal(got.code, "init_failed", JSON.stringify(got));
  assert.equal(got.kalbio, true);
});

test("the same page with script-src 'wasm-unsafe-eval' loads", async () => {
  assert.deepEqual(await outcome("/page.html?csp=wasm"), { loaded: true });
});

test("node: importing the package reads no file; without its wasm file the first client throws a KalbioError init_failed", () => {
  const dir = mkdtempSync(join(tmpdir(), "kalbio-moved-"));
  try {
    cpSync(join(ROOT, "pkg"), join(dir, "kalbio"), { recursive: true, filter: (f) => !f.endsWith(".wasm") });
    const probe = `
      const k = await import(${JSON.stringify(join(dir, "kalbio/node.js"))});
      let thrown = null;
      try { new k.KaleidoscopeClient({ url: "http://127.0.0.1:9", clientId: "a", clientSecret: "b" }); } catch (e) { thrown = e; }
      let rejected = null;
      await k.default().catch((e) => { rejected = e; });
      process.stdout.write(JSON.stringify({ imported: true, thrown: thrown && [thrown instanceof k.KalbioError, thrown.code, /kalbio_bg.wasm/.test(thrown.message)], rejected: rejected && rejected.code }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: dir, encoding: "utf8" });
    assert.deepEqual(JSON.parse(out), { imported: true, thrown: [true, "init_failed", true], rejected: "init_failed" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
