// Shared by the JS tests: a sandbox per test file, the packed tarball, scratch apps.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, cpSync, writeFileSync, readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, dirname, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { after } from "node:test";
import { ENGINES, launch } from "./engines.mjs";

export { ENGINES };

export const JS_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(JS_DIR, "../..");
export const SANDBOX_BIN = process.env.KALBIO_SANDBOX_BIN || join(ROOT, "target/release/kalbio-sandbox");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

/** Starts a sandbox on a free port with the demo data; answers { url, stop }. */
export async function startSandbox(...extra) {
  const dir = mkdtempSync(join(tmpdir(), "kalbio-sandbox-"));
  const child = spawn(SANDBOX_BIN, ["--port", "0", "--data-dir", dir, "--test-hooks", ...extra], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolveUrl, reject) => {
    child.once("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
    lines.once("line", (line) => resolveUrl(line.replace("listening on ", "").trim()));
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Packs pkg/ once and answers the tarball's path. */
export function packedTarball() {
  const outDir = join(ROOT, "tests/out");
  mkdirSync(outDir, { recursive: true });
  const existing = readdirSync(outDir).filter((f) => f.endsWith(".tgz"));
  const pkgWasm = join(ROOT, "pkg/kalbio_bg.wasm");
  for (const f of existing) {
    if (statSync(join(outDir, f)).mtimeMs >= statSync(pkgWasm).mtimeMs) return join(outDir, f);
  }
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", outDir], { cwd: join(ROOT, "pkg"), encoding: "utf8" }).trim().split("\n").pop();
  return join(outDir, name);
}

/** A scratch project under tests/js/.scratch/NAME with the tarball installed as a user would. */
export function scratchProject(name, files = {}) {
  const dir = join(JS_DIR, ".scratch", name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tarball = packedTarball();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `scratch-${name}`, private: true, type: "module", dependencies: { kalbio: `file:${tarball}` } }, null, 2));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline"], { cwd: dir, stdio: "inherit" });
  return dir;
}

const MIME = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml" };

/** Serves a folder on a free port; answers { url, close }. */
export async function serveStatic(root) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = join(root, path === "/" ? "index.html" : path);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] || "application/octet-stream" });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Headless Debian Chromium through playwright-core. */
export async function launchChromium(extraArgs = []) {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/**
 * A sandbox, a static server for the repository and a Chromium page on it, for
 * tests that run code in the browser. `run(fn, ...args)` evaluates `fn(k, url,
 * ...args)` in the page, `k` being the built package (pkg/index.js), initialised.
 * `fn` travels as source text: it must use nothing from the test file's scope.
 */
export async function browserHarness(...sandboxArgs) {
  const sandbox = await startSandbox(...sandboxArgs);
  const site = await serveStatic(ROOT);
  const browser = await launchChromium();
  const page = await browser.newPage();
  await page.goto(`${site.url}/tests/js/vite-app/index.html`);
  const run = (fn, ...args) =>
    page.evaluate(async ([source, url, args]) => {
      const k = await import("/pkg/index.js");
      await k.default();
      return (0, eval)(`(${source})`)(k, url, ...args);
    }, [asFunctionSource(fn), sandbox.url, args]);
  const close = async () => {
    await browser.close();
    await site.close();
    await sandbox.stop();
  };
  return { sandbox, page, run, close };
}

/**
 * A browserHarness for the whole test file: started now, closed after the file's
 * last test. Answers a promise of the harness; a failed start fails whoever awaits it.
 */
export function browserHarnessForFile(...sandboxArgs) {
  const started = browserHarness(...sandboxArgs);
  started.catch(() => {});
  after(async () => {
    await (await started.catch(() => null))?.close();
  });
  return started;
}

/** A function's or method's source as a plain function expression. */
export function asFunctionSource(fn) {
  const source = fn.toString();
  if (/^(async\s+)?function\b/.test(source) || /^(async\s*)?\(/.test(source)) return source;
  // A method such as `async "name (with parentheses)"(k, url) { … }`: keep its parameters and body.
  const head = source.match(/^(async\s+)?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[\w$]+)\s*\(/);
  if (!head) throw new Error(`cannot send this function to the page: ${source.slice(0, 60)}`);
  return (head[1] ? "async function " : "function ") + source.slice(head[0].length - 1);
}

/**
 * One sandbox and one static server for the whole test file, and a page in each
 * engine on them (engines.mjs), started when a test first asks for it. Starting
 * an engine closes the one before, so one browser runs at a time. `harness(engine)`
 * answers a promise of { engine, sandbox, run } as browserHarness's.
 */
export function engineHarnessesForFile(...sandboxArgs) {
  const sandbox = startSandbox(...sandboxArgs);
  const site = serveStatic(ROOT);
  sandbox.catch(() => {});
  site.catch(() => {});
  const opened = new Map();
  const closeBrowser = async (started) => (await started.catch(() => null))?.browser.close();
  const harness = (engine) => {
    if (!opened.has(engine)) {
      const others = [...opened.values()];
      opened.clear();
      const started = (async () => {
        for (const other of others) await closeBrowser(other);
        const [box, server] = await Promise.all([sandbox, site]);
        const browser = await launch(engine);
        try {
          const page = await browser.newPage();
          await page.goto(`${server.url}/tests/js/vite-app/index.html`);
          const run = (fn, ...args) =>
            page.evaluate(async ([source, url, args]) => {
              const k = await import("/pkg/index.js");
              await k.default();
              return (0, eval)(`(${source})`)(k, url, ...args);
            }, [asFunctionSource(fn), box.url, args]);
          return { engine, sandbox: box, site: server, page, browser, run };
        } catch (e) {
          await browser.close();
          throw e;
        }
      })();
      started.catch(() => {});
      opened.set(engine, started);
    }
    return opened.get(engine);
  };
  after(async () => {
    for (const started of opened.values()) await closeBrowser(started);
    await (await site.catch(() => null))?.close();
    await (await sandbox.catch(() => null))?.stop();
  });
  return { sandbox, harness };
}
