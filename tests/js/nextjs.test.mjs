// The packed tarball in a Next.js app (App Router, next-app/) with no
// kalbio-specific configuration, built with the default bundler (Turbopack) and
// with --webpack: `next build` prerenders a client component that imports the
// package at the top, `next start` serves it, the page reads a record in
// Chromium with tokens from a route handler (kalbio/server's fetchToken), and a
// route handler reads a record on the server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { JS_DIR, startSandbox, packedTarball, launchChromium } from "./helpers.mjs";
import { freePort } from "./engines.mjs";

const APP = join(JS_DIR, "next-app");
const NEXT = join(APP, "node_modules/next/dist/bin/next");

let sandbox;
before(async () => {
  assert.ok(existsSync(NEXT), "next-app's dependencies are installed (scripts/install.sh runs npm ci there)");
  // As npm would install it: the tarball's files in node_modules/kalbio.
  const target = join(APP, "node_modules/kalbio");
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", packedTarball(), "-C", target, "--strip-components=1"]);
  sandbox = await startSandbox("--seed", "demo");
});
after(async () => {
  await sandbox?.stop();
});

const env = () => ({
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  KALEIDOSCOPE_URL: sandbox.url,
  KALEIDOSCOPE_CLIENT_ID: "sandbox",
  KALEIDOSCOPE_CLIENT_SECRET: "sandbox-secret",
});

/** `next start` on a free port; answers { url, output(), stop() } once it answers HTTP. */
async function nextStart() {
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], { cwd: APP, env: env(), stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((r) => child.once("exit", r));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`next start exited: ${output}`);
    try {
      await fetch(`${url}/favicon.ico`, { signal: AbortSignal.timeout(2000) });
      break;
    } catch {
      if (i > 300) {
        await stop();
        throw new Error(`next start did not answer: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { url, output: () => output, stop };
}

for (const [bundler, flags] of [["Turbopack (the default)", []], ["webpack", ["--webpack"]]]) {
  test(`Next.js 16, ${bundler}: next build, next start, the page reads a record in Chromium, route handlers answer from the server`, async () => {
    rmSync(join(APP, ".next"), { recursive: true, force: true });
    const started = performance.now();
    const build = spawnSync(process.execPath, [NEXT, "build", ...flags], { cwd: APP, env: env(), encoding: "utf8", timeout: 600_000 });
    assert.equal(build.status, 0, `next build failed:\n${build.stdout}\n${build.stderr}`);
    console.log(`# next build ${flags.join(" ")} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const server = await nextStart();
    const browser = await launchChromium();
    try {
      const fromServer = await (await fetch(`${server.url}/api/record`)).json();
      assert.deepEqual(fromServer, { identifier: "CMP-0043", shown: fromServer.shown });
      assert.match(fromServer.shown, /^Record CMP-0043 \([0-9a-f-]{36}\)$/);
      const token = await (await fetch(`${server.url}/api/token`)).json();
      assert.deepEqual(Object.keys(token).sort(), ["access_token", "expires_in"]);

      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${server.url}/?api=${encodeURIComponent(sandbox.url)}`);
      await page.waitForFunction(() => document.getElementById("result")?.textContent !== "loading", null, { timeout: 60_000 });
      const result = JSON.parse(await page.textContent("#result"));
      assert.deepEqual(result, { identifier: "CMP-0042", error: null });
      assert.deepEqual(errors, []);
      // The page's tokens came from the route handler; the secret never reached it.
      const html = await (await fetch(`${server.url}/`)).text();
      assert.ok(!html.includes("sandbox-secret"));
    } catch (e) {
      e.message += `\n--- next start said:\n${server.output()}`;
      throw e;
    } finally {
      await browser.close();
      await server.stop();
    }
  });
}
