// Tier 3: the example dashboard (examples/dashboard), built with Vite against the built
// package, driven in headless Chromium like a scientist would use it. Screenshots of the
// main views land in tests/out/dashboard/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, startSandbox, serveStatic, launchChromium } from "./helpers.mjs";

const APP = join(ROOT, "examples/dashboard");
const DIST = join(ROOT, "tests/out/dashboard-dist");
const SHOTS = join(ROOT, "tests/out/dashboard");
const INJECTION = "<img src=x onerror=alert(1)>";
// Written before the dashboard signs in: a note a CSV must quote, and a second numeric
// field (molecular weight) on the records the filter test selects, for the scatter.
const TRICKY_NOTE = 'Split, re-run: "edge" wells\nsecond line';
const FILTER = (f) => [
  { field_id: f.Assay, filter_type: "is_equal", filter_prop: "SPR" },
  { field_id: f.IC50, filter_type: "is_less_than", filter_prop: 500 },
];

let sandbox, site, browser, page;
// The package in Node, with a client of its own: what the test reads to check the page.
let kalbio, reader, fieldIds;
const dialogs = [];
const pageErrors = [];

before(async () => {
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  execFileSync(process.execPath, [join(APP, "node_modules/vite/bin/vite.js"), "build", "--outDir", DIST, "--emptyOutDir"], { cwd: APP, stdio: "inherit" });
  sandbox = await startSandbox("--seed", "demo");
  kalbio = await import(pathToFileURL(join(ROOT, "pkg/node.js")).href);
  reader = new kalbio.KaleidoscopeClient({ url: sandbox.url, clientId: "sandbox", clientSecret: "sandbox-secret" });
  const mw = await reader.entityFields.getOrCreateDataField("MW", "number");
  fieldIds = Object.fromEntries((await reader.entityFields.getDataFields()).map((f) => [f.field_name, f.id]));
  assert.equal(fieldIds.MW, mw.id);
  const chosen = await reader.records.getRecordsByIds(await reader.records.searchRecords({ entity_field_filters: FILTER(fieldIds) }));
  assert.ok(chosen.length > 25, `more records than one page: ${chosen.length}`);
  for (let i = 0; i < chosen.length; i += 16) {
    await Promise.all(chosen.slice(i, i + 16).map((r, j) => r.addValue(mw.id, 150 + (((i + j) * 37) % 500) + 0.25)));
  }
  await chosen[1].updateField(fieldIds.Notes, TRICKY_NOTE);
  site = await serveStatic(DIST);
  browser = await launchChromium();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1100 } });
  page = await context.newPage();
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(`${site.url}/?sandbox=${encodeURIComponent(sandbox.url)}`);
});

after(async () => {
  reader?.free();
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

/** Every row of the table, page after page from the first. */
async function allRows() {
  while (!(await page.locator("#prev-page").isDisabled())) await page.click("#prev-page");
  const rows = [];
  for (;;) {
    rows.push(...(await table()).rows);
    if (await page.locator("#next-page").isDisabled()) return rows;
    await page.click("#next-page");
  }
}

/** RFC 4180 CSV as rows of fields: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i += 1; continue; }
      field += c;
      i += 1;
      continue;
    }
    if (c === '"' && field === "") { quoted = true; i += 1; continue; }
    if (c === ",") { row.push(field); field = ""; i += 1; continue; }
    if (c === "\r" && text[i + 1] === "\n") { row.push(field); rows.push(row); row = []; field = ""; i += 2; continue; }
    assert.notEqual(c, "\n", `a bare line break outside quotes at ${i}`);
    assert.notEqual(c, '"', `a quote inside an unquoted field at ${i}`);
    field += c;
    i += 1;
  }
  assert.equal(quoted, false, "the CSV ends inside a quoted field");
  assert.deepEqual([field, row], ["", []], "the CSV ends with CRLF");
  return rows;
}

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

test("the charts are drawn by columns() over every filtered record; the CSV export equals the filtered table", async () => {
  await page.check('input[name="mode"][value="server"]');
  await idle();
  const rows = await allRows();
  assert.equal(rows.length, filtered);
  const ids = rows.map((r) => r.id);
  // What the package answers for those records, read here in Node.
  const records = await reader.records.getRecordsByIds(ids);
  const want = records.map((r) => [r.id, r.getValueContent(fieldIds.IC50), r.getValueContent(fieldIds.MW)]);
  assert.ok(want.every(([, x, y]) => typeof x === "number" && typeof y === "number"), "every filtered record has an IC50 and an MW");

  // The scatter: MW against IC50, one mark per filtered record (not one page), IC50 on a log axis.
  await page.selectOption("#scatter-x", { label: "IC50" });
  await page.selectOption("#scatter-y", { label: "MW" });
  await idle();
  const marks = await page.locator("#scatter circle").evaluateAll((cs) => cs.map((c) => [c.dataset.id, Number(c.dataset.x), Number(c.dataset.y)]));
  assert.equal(marks.length, filtered, "a mark per filtered record");
  const byId = (a, b) => (a[0] < b[0] ? -1 : 1);
  assert.deepEqual([...marks].sort(byId), [...want].sort(byId), "each mark is the record's IC50 and MW");
  const scatter = JSON.parse(await page.locator("#scatter").getAttribute("data-summary"));
  assert.deepEqual(scatter, { points: filtered, xScale: "log", yScale: "linear", records: filtered, x: "IC50", y: "MW" });
  const xTicks = await page.locator("#scatter .x-axis > text").allTextContents();
  assert.equal(await page.locator("#scatter .x-axis").getAttribute("data-scale"), "log");
  const powers = xTicks.filter((t) => /^\d+$/.test(t)).map(Number);
  assert.ok(powers.length >= 3 && powers.every((t, i) => i === 0 || t === powers[i - 1] * 10), `log ticks: ${xTicks}`);
  assert.equal(await page.locator("#scatter .y-axis").getAttribute("data-scale"), "linear");
  // Choosing another pair redraws: IC50 against itself is a line of the same marks.
  await page.selectOption("#scatter-y", { label: "IC50" });
  await idle();
  const diagonal = await page.locator("#scatter circle").evaluateAll((cs) => cs.map((c) => c.dataset.x === c.dataset.y));
  assert.equal(diagonal.length, filtered);
  assert.ok(diagonal.every(Boolean));
  await page.selectOption("#scatter-y", { label: "MW" });
  await idle();

  // The bars: the mean IC50 of the filtered records, from zero.
  const bars = await chartSummary();
  assert.deepEqual(bars.labels, ["SPR"]);
  assert.equal(bars.records, filtered);
  const mean = want.reduce((sum, [, x]) => sum + x, 0) / want.length;
  assert.ok(Math.abs(bars.means[0] - mean) < 1e-9 * mean, `mean ${bars.means[0]} against ${mean}`);
  assert.equal(await page.evaluate(() => document.getElementById("chart").uplot.scales.y.min), 0, "bars start at zero");

  // Numbers in the table stay on one line.
  const ic50Cell = page.locator("#records tbody tr").first().locator("td.number").first();
  assert.equal(await ic50Cell.evaluate((td) => getComputedStyle(td).whiteSpace), "nowrap");
  await shot("8-scatter");

  // The CSV: the table's header, then every filtered row in order, cell for cell.
  const head = (await table()).head;
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
  assert.equal(download.suggestedFilename(), "records.csv");
  const csv = readFileSync(await download.path(), "utf8");
  const parsed = parseCsv(csv);
  assert.deepEqual(parsed[0], head);
  assert.deepEqual(parsed.slice(1), rows.map((r) => head.map((h) => r.cells[h])));
  const tricky = parsed.find((r) => r.includes(TRICKY_NOTE));
  assert.ok(tricky, "the note with a comma, quotes and a line break survives the round trip");
  assert.ok(csv.includes('"Split, re-run: ""edge"" wells\nsecond line"'), "quoted as RFC 4180 says");
  assert.ok(parsed.slice(1).some((r) => r[head.indexOf("Targets")].includes(", ")), "multiselect values hold commas");
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
