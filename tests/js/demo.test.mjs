// Tier 3: `make demo`'s script serves the dashboard with the demo data, and a browser
// signs in to it with the printed URL.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ROOT, launchChromium } from "./helpers.mjs";

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

test("the demo serves the dashboard, which signs in and shows the demo records", async () => {
  const data = mkdtempSync(join(tmpdir(), "kalbio-demo-"));
  const env = { ...process.env, DEMO_PORT: String(await freePort()), DASHBOARD_PORT: String(await freePort()), DEMO_DATA: data };
  const demo = spawn("bash", [join(ROOT, "scripts/demo.sh")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "inherit"], detached: true });
  const exited = new Promise((r) => demo.once("exit", r));
  const browser = await launchChromium();
  try {
    const dashboard = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the demo printed no dashboard URL within 120 s")), 120000);
      exited.then((code) => reject(new Error(`the demo exited with ${code}`)));
      createInterface({ input: demo.stdout }).on("line", (line) => {
        const m = line.match(/^dashboard: (\S+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    const page = await browser.newPage();
    await page.goto(dashboard);
    await page.fill('#signin input[name="clientSecret"]', "sandbox-secret");
    await page.click('#signin button[type="submit"]');
    await page.waitForFunction(() => document.body.dataset.busy === "0" && /\d+ records/.test(document.getElementById("result-count").textContent), null, { timeout: 60000 });
    const count = Number((await page.locator("#result-count").innerText()).split(" ")[0]);
    assert.ok(count >= 2000, `the demo data: ${count} records`);
    assert.equal(await page.locator("#records tbody tr").first().locator("td").first().innerText(), "CMP-0001");
  } finally {
    await browser.close();
    process.kill(-demo.pid, "SIGTERM");
    await exited;
    rmSync(data, { recursive: true, force: true });
  }
});
