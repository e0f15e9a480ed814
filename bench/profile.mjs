// Where the time of a cached query goes: loads 10,000 records in Chromium, times
// queryCached (PROFILE_WHAT=columns: columns() of three fields; =bulk: getRecordsByIds
// into a fresh client; =get: awaited getRecordById on cached records; =value:
// getValueContent), and prints the CPU profile's heaviest functions by self time.
// PROFILE_PKG=/pkg-named serves a build whose wasm keeps its function names
// (bash scripts/size-breakdown.sh, then copy tests/out/size's files over a pkg copy).
import { startSandbox, serveStatic, launchChromium, ROOT } from "../tests/js/helpers.mjs";

const PKG = process.env.PROFILE_PKG ?? "/pkg";
const sandbox = await startSandbox("--seed", "demo", "--seed-records", String(process.env.PROFILE_COMPOUNDS ?? 12000));
const site = await serveStatic(ROOT);
const browser = await launchChromium([]);
const context = await browser.newContext();
const page = await context.newPage();
await page.goto(`${site.url}/tests/js/vite-app/index.html`);
const cdp = await context.newCDPSession(page);
await page.evaluate(async ([url, pkg]) => {
  const k = await import(`${pkg}/index.js`);
  await k.default();
  const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
  const fields = await c.entityFields.getDataFields();
  const f = Object.fromEntries(fields.map((x) => [x.field_name, x.id]));
  const ids = await c.records.searchRecords({ limit: 10000 });
  window.records = await c.records.getRecordsByIds(ids);
  window.c = c;
  window.k = k;
  window.url = url;
  window.ids = ids;
  window.fields3 = [f["IC50"], f["Assay"], f["Status"]];
  window.query = {
    entity_field_filters: [
      { field_id: f["IC50"], filter_type: "is_less_than", filter_prop: 1000 },
      { field_id: f["Assay"], filter_type: "is_any_of_text", filter_prop: ["SPR", "TR-FRET"] },
      { field_id: f["Status"], filter_type: "is_not_equal", filter_prop: "failed" },
    ],
    entity_field_sorts: [{ field_id: f["IC50"], descending: false }],
  };
}, [sandbox.url, PKG]);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
await cdp.send("Profiler.start");
const WHAT = process.env.PROFILE_WHAT ?? "query";
const times = WHAT === "bulk" ? await page.evaluate(async () => {
  // getRecordsByIds over 10,000 records into a fresh client, three times.
  const out = [];
  for (let i = 0; i < 3; i++) {
    const fresh = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await fresh.records.searchRecords({ limit: 1 });
    const t0 = performance.now();
    const got = await fresh.records.getRecordsByIds(ids);
    out.push([performance.now() - t0, got.length]);
  }
  return out;
}) : WHAT === "get" ? await page.evaluate(async () => {
  const out = [];
  for (let r = 0; r < 20; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20000; i++) await c.records.getRecordById(ids[i % ids.length]);
    out.push([(performance.now() - t0) / 20, 20000]);
  }
  return out;
}) : WHAT === "value" ? await page.evaluate(async () => {
  const out = [];
  for (let r = 0; r < 20; r++) {
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < 50000; i++) { const v = records[i % records.length].getValueContent(fields3[0]); if (typeof v === "number") sum += v; }
    out.push([(performance.now() - t0) / 50, 50000]);
  }
  return out;
}) : await page.evaluate((WHAT) => {
  const out = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    const n = WHAT === "columns" ? c.records.columns(ids, fields3).ids.length : WHAT === "columns-query" ? c.records.columns({}, fields3).ids.length : c.records.queryCached(query).length;
    out.push([performance.now() - t0, n]);
  }
  return out;
}, WHAT);
const { profile } = await cdp.send("Profiler.stop");
const ms = times.map((t) => t[0]).sort((a, b) => a - b);
const unit = WHAT === "get" || WHAT === "value" ? "µs a call" : "ms";
console.log(`${WHAT} over 10,000 records: median ${ms[Math.floor(ms.length / 2)].toFixed(2)} ${unit}, min ${ms[0].toFixed(2)} ${unit}, ${times[0][1]} ids answered`);
const self = new Map();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const name = `${n.callFrame.functionName || "(anonymous)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}`;
  self.set(name, (self.get(name) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(1).padStart(7)} ms  ${name.slice(0, 150)}`);
await browser.close();
await site.close();
await sandbox.stop();
