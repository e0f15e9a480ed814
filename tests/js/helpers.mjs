// Shared by the JS tests: a sandbox per test file, the packed tarball, scratch apps.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, cpSync, writeFileSync, readdirSync, readFileSync, existsSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, dirname, extname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

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
