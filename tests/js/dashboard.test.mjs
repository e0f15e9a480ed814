// Tier 3: the example dashboard (examples/dashboard), built with Vite against the built
// package, driven in headless Chromium like a scientist would use it. Screenshots of the
// main views land in tests/out/dashboard/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startSandbox, serveStatic, launchChromium } from "./helpers.mjs";

const APP = join(ROOT, "examples/dashboard");
const DIST = join(ROOT, "tests/out/dashboard-dist");
const SHOTS = join(ROOT, "tests/out/dashboard");
const INJECTION = "<img src=x onerror=alert(1)>";

let sandbox, site, browser, page;
const dialogs = [];
const pageErrors = [];

before(async () => {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  execFileSync(process.execPath, [join(APP, "node_modules/vite/bin/vite.js"), "build", "--outDir", DIST, "--emptyOutDir"], { cwd: APP, stdio: "inherit" });
  sandbox = await startSandbox("--seed", "demo");
  site = await serveStatic(DIST);
  browser = await launchChromium();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1100 } });
  page = await context.newPage();
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(`${site.url}/?sandbox=${encodeURIComponent(sandbox.url)}`);
});

after(async () => {
  await browser?.close();
  await site?.close();
  await sandbox?.stop();
});

/** Waits until every action the dashboard started has finished. */
const idle = () => page.waitForFunction(() => document.body.dataset.busy === "0", null, { timeout: 60000 });
const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
const text = (selector) => page.locator(selector).innerText();
const count = async () => Number((await text("#result-count")).split(" ")[0]);

/** The visible table: its column names and each row's cells as text. */
async function table() {
  return page.evaluate(() => {
    const head = [...document.querySelectorAll("#records thead th")].map((th) => th.dataset.field);
    const rows = [...document.querySelectorAll("#records tbody tr")].map((tr) => ({
      id: tr.dataset.id,
      cells: Object.fromEntries([...tr.cells].map((td, i) => [head[i], td.textContent])),
    }));
    return { head, rows };
  });
}

const chartSummary = () => page.locator("#chart").getAttribute("data-summary").then((s) => JSON.parse(s));

async function setFilter(index, field, rule, ...props) {
  const row = page.locator("#filters .filter").nth(index);
  await row.locator('select[name="field"]').selectOption({ label: field });
  await row.locator('select[name="rule"]').selectOption(rule);
  const inputs = row.locator("input");
  for (let i = 0; i < props.length; i++) await inputs.nth(i).fill(props[i]);
}

async function fault(body) {
  const res = await fetch(`${sandbox.url}/_sandbox/faults`, body ? { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : { method: "DELETE" });
  assert.ok(res.ok, `fault hook answered ${res.status}`);
}

let total;
let filtered;

test("a wrong secret shows the error; Retry with the right one signs in and loads every record", async () => {
  await page.fill('#signin input[name="clientSecret"]', "not-the-secret");
  await shot("1-sign-in");
  await page.click('#signin button[type="submit"]');
  await idle();
  assert.equal(await page.locator("#error").isVisible(), true);
  assert.equal(await text("#error-title"), "Sign-in failed:");
  assert.match(await text("#error-detail"), /auth_error/);
  assert.doesNotMatch(await text("#error-detail"), /not-the-secret/);
  await page.fill('#signin input[name="clientSecret"]', "sandbox-secret");
  await page.click("#error-retry");
  await idle();
  assert.equal(await page.locator("#error").isVisible(), false);
  assert.equal(await page.locator("#app-view").isVisible(), true);
  total = await count();
  assert.ok(total >= 2000, `the demo has at least 2,000 records, the table says ${total}`);
  const { head, rows } = await table();
  assert.deepEqual(head.slice(0, 4), ["Record", "IC50", "Assay", "Targets"]);
  assert.equal(rows.length, 25);
  assert.match(await text("#timings"), /server search: [\d.]+ ms \(\d+ rows\)/);
  await shot("2-table");
});

test("two filter rules and a sort: every row matches, in order, and the chart follows", async () => {
  const before = await chartSummary();
  assert.ok(before.labels.length >= 4, `the chart groups the assays: ${before.labels}`);
  // The rule list offers every FilterRuleType.
  await page.click("#add-filter");
  const rules = await page.locator('#filters .filter select[name="rule"] option').evaluateAll((os) => os.map((o) => o.value));
  assert.equal(rules.length, 38);
  await setFilter(0, "Assay", "is_equal", "SPR");
  await page.click("#add-filter");
  await setFilter(1, "IC50", "is_less_than", "500");
  await page.click("#run-query");
  await idle();
  filtered = await count();
  assert.ok(filtered > 0 && filtered < total, `filtered to ${filtered} of ${total}`);
  await page.click('#records th[data-field="IC50"]');
  await idle();
  let { rows } = await table();
  const ic50 = rows.map((r) => Number(r.cells.IC50));
  assert.ok(rows.every((r) => r.cells.Assay === "SPR"), "every row's assay is SPR");
  assert.ok(ic50.every((v) => v < 500), `every IC50 is below 500: ${ic50}`);
  assert.deepEqual(ic50, [...ic50].sort((a, b) => a - b), "ascending");
  assert.equal(await text('#records th[data-field="IC50"]'), "IC50 ▲");
  await page.click('#records th[data-field="IC50"]');
  await idle();
  ({ rows } = await table());
  const down = rows.map((r) => Number(r.cells.IC50));
  assert.equal(await text('#records th[data-field="IC50"]'), "IC50 ▼");
  assert.deepEqual(down, [...down].sort((a, b) => b - a), "descending");
  assert.equal(await count(), filtered);
  const after = await chartSummary();
  assert.deepEqual(after.labels, ["SPR"]);
  assert.equal(after.counts[0], filtered);
  assert.notDeepEqual(after, before);
  await shot("3-filtered-sorted");
});

test("queryCached answers the same rows as the server search", async () => {
  const server = await table();
  await page.check('input[name="mode"][value="cached"]');
  await idle();
  assert.equal(await count(), filtered);
  const cached = await table();
  assert.deepEqual(cached.rows.map((r) => r.id), server.rows.map((r) => r.id));
  const timings = await text("#timings");
  assert.match(timings, /server search: [\d.]+ ms \(\d+ rows\) · queryCached: [\d.]+ ms \(\d+ rows\)/);
  // The pages after the first agree too.
  await page.check('input[name="mode"][value="server"]');
  await idle();
  const serverIds = [];
  const cachedIds = [];
  for (const [mode, out] of [["server", serverIds], ["cached", cachedIds]]) {
    await page.check(`input[name="mode"][value="${mode}"]`);
    await idle();
    for (;;) {
      out.push(...(await table()).rows.map((r) => r.id));
      if (await page.locator("#next-page").isDisabled()) break;
      await page.click("#next-page");
    }
  }
  assert.equal(serverIds.length, filtered);
  assert.deepEqual(cachedIds, serverIds);
  await shot("4-query-cached");
});

test("a record: values, history, activities; an edit shows in the history", async () => {
  const first = (await table()).rows[0];
  await page.click(`#records tbody tr[data-id="${first.id}"]`);
  await idle();
  assert.equal(await text("#record-title"), first.cells.Record);
  assert.equal(await page.locator('#record-fields tr[data-field="Assay"] td').innerText(), "SPR");
  assert.ok((await page.locator("#record-history tbody tr").count()) > 0);
  const note = `Re-tested ${new Date().toISOString()}`;
  await page.selectOption('#edit-form select[name="field"]', { label: "Notes" });
  await page.fill('#edit-form input[name="value"]', note);
  await page.selectOption('#edit-form select[name="activity"]', { index: 1 });
  const activity = await page.locator('#edit-form select[name="activity"] option').nth(1).innerText();
  await page.click('#edit-form button[type="submit"]');
  await idle();
  assert.equal(await page.locator("#error").isVisible(), false, await text("#error-detail"));
  const newest = await page.locator("#record-history tbody tr").first().locator("td").allInnerTexts();
  assert.equal(newest[0], "Notes");
  assert.equal(newest[1], note);
  assert.equal(newest[3], activity);
  assert.equal(await page.locator('#record-fields tr[data-field="Notes"] td').innerText(), note);
  assert.match(await text("#record-activities"), new RegExp(activity.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await shot("5-record-edited");
});

test("a file uploaded from the panel downloads with the same bytes", async () => {
  const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7 + 3) % 256));
  await page.selectOption('#upload-form select[name="field"]', { label: "Plate map" });
  await page.setInputFiles('#upload-form input[type="file"]', { name: "plate-42.bin", mimeType: "application/octet-stream", buffer: bytes });
  await page.click('#upload-form button[type="submit"]');
  await idle();
  assert.equal(await page.locator("#error").isVisible(), false, await text("#error-detail"));
  const cell = page.locator('#record-fields tr[data-field="Plate map"] td');
  assert.match(await cell.innerText(), /plate-42\.bin \(3000 bytes\)/);
  const [download] = await Promise.all([page.waitForEvent("download"), cell.locator("button").click()]);
  assert.equal(download.suggestedFilename(), "plate-42.bin");
  assert.deepEqual(readFileSync(await download.path()), bytes);
  assert.equal((await page.locator("#record-history tbody tr").first().locator("td").allInnerTexts())[0], "Plate map");
});

test("a server failure shows what failed and Retry recovers", async () => {
  await page.check('input[name="mode"][value="server"]');
  await idle();
  await fault({ method: "GET", path_prefix: "/records/search", times: 20, status: 500 });
  await page.click("#run-query");
  await idle();
  assert.equal(await page.locator("#error").isVisible(), true);
  assert.equal(await text("#error-title"), "Search failed:");
  const detail = await text("#error-detail");
  assert.match(detail, /HTTP 500/);
  assert.match(detail, /GET \/records\/search/);
  assert.match(detail, /request req-/);
  assert.ok((await page.locator("#records tbody tr").count()) > 0, "the table stays on the page");
  await shot("6-error");
  await fault(null);
  await page.click("#error-retry");
  await idle();
  assert.equal(await page.locator("#error").isVisible(), false);
  assert.equal(await count(), filtered);
});

test("markup in a record value is shown as text and runs nothing", async () => {
  await page.evaluate(() => { window.__injected = false; });
  while ((await page.locator("#filters .filter").count()) > 0) await page.locator("#filters .filter button").first().click();
  await page.fill("#search-text", "CMP-0007");
  await page.click("#run-query");
  await idle();
  const { rows } = await table();
  const row = rows.find((r) => r.cells.Record === "CMP-0007");
  assert.ok(row, "CMP-0007 is found");
  assert.equal(row.cells.Notes, INJECTION);
  await page.click(`#records tbody tr[data-id="${row.id}"]`);
  await idle();
  assert.equal(await page.locator('#record-fields tr[data-field="Notes"] td').innerText(), INJECTION);
  assert.equal(await page.locator("img").count(), 0, "no element was made from the value");
  await page.waitForTimeout(200);
  assert.deepEqual(dialogs, [], "no alert ran");
  assert.deepEqual(pageErrors, []);
  await shot("7-injection-as-text");
});
