// make bench: the package against a plain-JS baseline (bench/baseline.js), in
// headless Chromium, against a sandbox seeded with BENCH_COMPOUNDS compounds.
// Prints a table and one JSON line per benchmark: medians over repeated runs,
// each configuration in a fresh page.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startSandbox, serveStatic, launchChromium, ROOT } from "../tests/js/helpers.mjs";

const COMPOUNDS = Number(process.env.BENCH_COMPOUNDS ?? 50000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// BENCH_PKG=/some-dir measures another build of the package served from the repository root.
const PKG = process.env.BENCH_PKG ?? "/pkg";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sandbox = await startSandbox("--seed", "demo", "--seed-records", String(COMPOUNDS));
const site = await serveStatic(ROOT);
const browser = await launchChromium(["--enable-precise-memory-info", "--js-flags=--expose-gc"]);

/** Runs `fn(k, wasm, base, url, ...args)` in a fresh page (and a fresh context: no HTTP cache). */
async function inPage(fn, ...args) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}/tests/js/vite-app/index.html`);
    return await page.evaluate(async ([src, url, args, pkg]) => {
      const k = await import(`${pkg}/index.js`);
      const wasm = await k.default();
      const base = await import("/bench/baseline.js");
      return (0, eval)(`(${src})`)(k, wasm, base, url, ...args);
    }, [fn.toString(), sandbox.url, args, PKG]);
  } finally {
    await context.close();
  }
}

const options = (url) => ({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });

/** Stops the benchmark when the two sides did not answer the same question alike. */
function sameAnswers(what, ours, baseline) {
  const a = JSON.stringify(ours);
  const b = JSON.stringify(baseline);
  if (a !== b) throw new Error(`${what}: the package and the baseline answered differently\n  ours:     ${a.slice(0, 300)}\n  baseline: ${b.slice(0, 300)}`);
}
const results = [];
const report = (name, ours, baseline, unit, note = "") => results.push({ name, ours, baseline, unit, ratio: baseline ? Number((ours / baseline).toFixed(2)) : null, note });

// 1. bulk_load_10k
const bulk = { ours: [], baseline: [] };
const network = [];
for (let run = 0; run < RUNS; run++) {
  for (const who of ["ours", "baseline"]) {
    bulk[who].push(await inPage(async (k, wasm, base, url, who) => {
      const c = who === "ours" ? new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" }) : new base.BaselineClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
      const ids = who === "ours" ? await c.records.searchRecords({ limit: 10000 }) : await c.searchRecords({ limit: 10000 });
      // Main-thread tasks over 50 ms while the records load: a dashboard's stutters.
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: "longtask" });
      const t0 = performance.now();
      const got = who === "ours" ? await c.records.getRecordsByIds(ids) : await c.getRecordsByIds(ids);
      const ms = performance.now() - t0;
      // Entries are delivered after the task ends: let the observer run once more.
      await new Promise((resolve) => setTimeout(resolve, 100));
      longTasks.push(...observer.takeRecords().map((e) => e.duration));
      observer.disconnect();
      if (got.length !== 10000) throw new Error(`loaded ${got.length}`);
      // What was loaded, to compare the sides: ids in order and every record's identifier and value count.
      const digest = got.map((r) => `${r.id}:${r.record_identifier}:${Object.values(r.record_values).reduce((n, vs) => n + vs.length, 0)}`).join(",");
      return { ms, digest, longTasks: longTasks.length, longestTask: Math.max(0, ...longTasks) };
    }, who));
  }
  sameAnswers("bulk_load_10k records", bulk.ours[run].digest, bulk.baseline[run].digest);
  // The floor under both: the same requests (250 ids each, 4 at a time), their
  // bodies read as bytes and nothing more, in a fresh page of their own.
  network.push(await inPage(async (k, wasm, base, url) => {
    const c = new base.BaselineClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const ids = await c.searchRecords({ limit: 10000 });
    const headers = await c.headers();
    const batches = [];
    for (let i = 0; i < ids.length; i += 250) batches.push(ids.slice(i, i + 250));
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        const batch = batches[next++];
        await (await fetch(`${url}/records?record_ids=${batch.join(",")}`, { headers })).arrayBuffer();
      }
    }));
    return performance.now() - t0;
  }));
}
const tasks = (who) => `${median(bulk[who].map((r) => r.longTasks))} tasks over 50 ms, the longest ${median(bulk[who].map((r) => r.longestTask)).toFixed(0)} ms`;
const longTaskNote = `medians per load: ours ${tasks("ours")}; baseline ${tasks("baseline")}`;
const longestOurs = median(bulk.ours.map((r) => r.longestTask));
const longestBaseline = median(bulk.baseline.map((r) => r.longestTask));
for (const who of ["ours", "baseline"]) bulk[who] = bulk[who].map((r) => r.ms);
report("bulk_load_10k", median(bulk.ours), median(bulk.baseline), "ms", "getRecordsByIds over 10,000 uncached records, batches of 250, 4 at a time");
report("network_10k", median(network), median(bulk.baseline), "ms", "the same requests, their bodies read as bytes without parsing: the part of bulk_load_10k that any client making these requests pays (its ratio is the lowest bulk_load_10k could reach)");
report("long_tasks_10k", longestOurs, longestBaseline, "ms", `the longest main-thread task while getRecordsByIds loads 10,000 records (goal: none over 50 ms); ${longTaskNote}`);

// 2-4. cached_get, cached_value, local_query_10k, in one page per side.
const warm = async (who) => inPage(async (k, wasm, base, url, who) => {
  const ours = who === "ours";
  const c = ours ? new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" }) : new base.BaselineClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
  const fields = await (await fetch(`${url}/data_fields`, { headers: { "X-Kal-Authorization": `Bearer ${(await (await fetch(`${url}/auth/oauth/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "sandbox", client_secret: "sandbox-secret" }) })).json()).access_token}` } })).json();
  const f = Object.fromEntries(fields.map((x) => [x.field_name, x.id]));
  const ids = ours ? await c.records.searchRecords({ limit: 10000 }) : await c.searchRecords({ limit: 10000 });
  const records = ours ? await c.records.getRecordsByIds(ids) : await c.getRecordsByIds(ids);
  const out = {};
  // cached_get: ns per awaited call, over 20,000 calls.
  let t0 = performance.now();
  for (let i = 0; i < 20000; i++) {
    const id = ids[i % ids.length];
    if (ours) await c.records.getRecordById(id); else await c.getRecordById(id);
  }
  out.cachedGetNs = ((performance.now() - t0) * 1e6) / 20000;
  // cached_value: ns per call, over 50,000 calls.
  let sum = 0;
  t0 = performance.now();
  for (let i = 0; i < 50000; i++) {
    const r = records[i % records.length];
    const v = ours ? r.getValueContent(f["IC50"]) : base.latestContent(r, f["IC50"]);
    if (typeof v === "number") sum += v;
  }
  out.cachedValueNs = ((performance.now() - t0) * 1e6) / 50000;
  out.sum = sum;
  out.loadedIds = records.map((r) => r.id);
  out.values = records.map((r) => (ours ? r.getValueContent(f["IC50"]) : base.latestContent(r, f["IC50"])) ?? null);
  // columns_10k: three fields' current values over the 10,000 records as columns: one
  // columns() call against a loop over latestContent filling the same arrays.
  const fieldsForColumns = [f["IC50"], f["Assay"], f["Status"]];
  const columns = () => {
    if (ours) return c.records.columns(ids, fieldsForColumns).columns;
    const cached = ids.map((id) => c.cache.get(id));
    const out = {};
    for (const field of fieldsForColumns) {
      const values = cached.map((r) => base.latestContent(r, field));
      out[field] = values.every((v) => v === null || typeof v === "number") ? Float64Array.from(values, (v) => v ?? NaN) : values;
    }
    return out;
  };
  const columnTimes = [];
  for (let i = 0; i < 21; i++) {
    t0 = performance.now();
    columns();
    columnTimes.push(performance.now() - t0);
  }
  columnTimes.sort((a, b) => a - b);
  out.columnsMs = columnTimes[10];
  out.columns = Object.values(columns()).map((column) => Array.from(column, (v) => (Number.isNaN(v) ? null : v)));
  // local_query_10k: three filters and a sort over the cached records.
  const query = {
    entity_field_filters: [
      { field_id: f["IC50"], filter_type: "is_less_than", filter_prop: 1000 },
      { field_id: f["Assay"], filter_type: "is_any_of_text", filter_prop: ["SPR", "TR-FRET"] },
      { field_id: f["Status"], filter_type: "is_not_equal", filter_prop: "failed" },
    ],
    entity_field_sorts: [{ field_id: f["IC50"], descending: false }],
  };
  const local = () => {
    if (ours) return c.records.queryCached(query);
    const wanted = new Set(["spr", "tr-fret"]);
    return [...c.cache.values()]
      .filter((r) => {
        const ic50 = base.latestContent(r, f["IC50"]);
        const assay = base.latestContent(r, f["Assay"]);
        return typeof ic50 === "number" && ic50 < 1000 && typeof assay === "string" && wanted.has(assay.toLowerCase()) && base.latestContent(r, f["Status"]) !== "failed";
      })
      .map((r) => [base.latestContent(r, f["IC50"]), r.record_identifier, r.id])
      .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      .map((x) => x[2]);
  };
  t0 = performance.now();
  out.queryIds = local();
  out.firstQueryMs = performance.now() - t0;
  const times = [];
  for (let i = 0; i < 20; i++) {
    t0 = performance.now();
    local();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  out.queryMs = times[10];
  if (ours) {
    // After a write (the record is refetched), the next query.
    await records[0].updateField(f["Notes"], "bench write");
    t0 = performance.now();
    local();
    out.afterWriteMs = performance.now() - t0;
  }
  const trips = [];
  for (let i = 0; i < 7; i++) {
    t0 = performance.now();
    if (ours) await c.records.searchRecords(query); else await c.searchRecords(query);
    trips.push(performance.now() - t0);
  }
  trips.sort((a, b) => a - b);
  out.roundTripMs = trips[3];
  return out;
}, who);
const warmRuns = { ours: [], baseline: [] };
for (let run = 0; run < Math.max(3, Math.ceil(RUNS / 2)); run++) {
  for (const who of ["ours", "baseline"]) warmRuns[who].push(await warm(who));
  const [ours, baseline] = [warmRuns.ours[run], warmRuns.baseline[run]];
  sameAnswers("cached records", ours.loadedIds, baseline.loadedIds);
  sameAnswers("cached IC50 values", [ours.values, ours.sum], [baseline.values, baseline.sum]);
  sameAnswers("local query ids", ours.queryIds, baseline.queryIds);
  sameAnswers("columns_10k", ours.columns, baseline.columns);
}
const m = (who, key) => median(warmRuns[who].map((r) => r[key]));
report("cached_get", m("ours", "cachedGetNs"), m("baseline", "cachedGetNs"), "ns", "an awaited getRecordById on a cached record");
report("cached_value", m("ours", "cachedValueNs"), m("baseline", "cachedValueNs"), "ns", "getValueContent(field uuid) on a cached record");
report("local_query_10k", m("ours", "queryMs"), m("baseline", "queryMs"), "ms", `3 filters + sort over 10,000 cached records; first call ${m("ours", "firstQueryMs").toFixed(1)} ms, after a write ${m("ours", "afterWriteMs").toFixed(1)} ms; the server round trip over all ${COMPOUNDS} compounds: ${m("ours", "roundTripMs").toFixed(1)} ms`);
report("columns_10k", m("ours", "columnsMs"), m("baseline", "columnsMs"), "ms", "columns(ids, [IC50, Assay, Status]) over 10,000 cached records against a loop over latestContent (goal: ≤ 5 ms and ≤ 0.3 of plain JS)");
report("local_query_vs_round_trip", m("ours", "queryMs"), m("ours", "roundTripMs"), "ms", "queryCached against searchRecords for the same query (ratio < 0.05 is the goal)");

// 5. requests_per_op, counted in the sandbox's log for both sides (token requests included).
const requestCounts = {};
for (const who of ["ours", "baseline"]) {
  requestCounts[who] = await inPage(async (k, wasm, base, url, who) => {
    const ours = who === "ours";
    const log = async () => (await (await fetch(`${url}/_sandbox/requests`)).json()).length;
    const fresh = () => (ours ? new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" }) : new base.BaselineClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" }));
    let c = fresh();
    const get = (id) => (ours ? c.records.getRecordById(id) : c.getRecordById(id));
    const bulk = (ids) => (ours ? c.records.getRecordsByIds(ids) : c.getRecordsByIds(ids));
    const ids = ours ? await c.records.searchRecords({ limit: 10000 }) : await c.searchRecords({ limit: 10000 });
    const count = async (op) => {
      await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
      await op();
      return log();
    };
    const answer = {
      coldGet: await count(() => get(ids[0])),
      cachedGet: await count(() => get(ids[0])),
      hundredConcurrentGets: await count(() => Promise.all(Array.from({ length: 100 }, () => get(ids[1])))),
      bulk10k: await count(() => bulk(ids)),
    };
    c = fresh();
    await (ours ? c.records.searchRecords({ limit: 1 }) : c.searchRecords({ limit: 1 })); // the token first, on both sides
    answer.bulk10kTwiceAtOnce = await count(() => Promise.all([bulk(ids), bulk(ids)]));
    return answer;
  }, who);
}
const rq = (who) => requestCounts[who];
const rqNote = (who) => `cold get ${rq(who).coldGet}, cached get ${rq(who).cachedGet}, 100 concurrent gets of one record ${rq(who).hundredConcurrentGets}, 10k bulk load ${rq(who).bulk10k}, the same twice at once ${rq(who).bulk10kTwiceAtOnce}`;
report("requests_per_op", rq("ours").hundredConcurrentGets, rq("baseline").hundredConcurrentGets, "requests", `100 concurrent gets of one record. Ours: ${rqNote("ours")}. Baseline: ${rqNote("baseline")}`);

// 6. cold_start: fetch and instantiate the wasm in a fresh context.
const cold = [];
for (let run = 0; run < RUNS; run++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.url}/tests/js/vite-app/index.html`);
  cold.push(await page.evaluate(async (pkg) => {
    const t0 = performance.now();
    const k = await import(`${pkg}/index.js`);
    await k.default();
    return performance.now() - t0;
  }, PKG));
  await context.close();
}
const gz = Number(readFileSync(join(ROOT, PKG, ".gzip-size"), "utf8"));
report("cold_start", median(cold), null, "ms", `import + init over loopback; wasm + glue ${(gz / 1024).toFixed(1)} KB gzipped`);

// 7. memory_50k: all records loaded; wasm memory for ours, JS heap growth for the baseline.
const memory = {};
for (const who of ["ours", "baseline"]) {
  memory[who] = await inPage(async (k, wasm, base, url, who) => {
    const ours = who === "ours";
    gc();
    const heap0 = performance.memory.usedJSHeapSize;
    const c = ours ? new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" }) : new base.BaselineClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const ids = ours ? await c.records.searchRecords({ limit: 50000 }) : await c.searchRecords({ limit: 50000 });
    let handles = ours ? await c.records.getRecordsByIds(ids) : await c.getRecordsByIds(ids);
    if (ours) for (const r of handles) r.free();
    handles = null;
    // Let the load's last callbacks finish before collecting, on both sides: what
    // is measured is what stays, not garbage not yet collected.
    // Collections a few tasks apart: weak references and finalizers are cleared
    // over more than one.
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      gc();
    }
    const heapMB = (performance.memory.usedJSHeapSize - heap0) / 1048576;
    return { wasmMB: wasm.memory.buffer.byteLength / 1048576, heapMB };
  }, who);
}
report("memory_50k", memory.ours.wasmMB + Math.max(0, memory.ours.heapMB), memory.baseline.heapMB, "MB", `ours: wasm memory ${memory.ours.wasmMB.toFixed(1)} MB + JS heap ${memory.ours.heapMB.toFixed(1)} MB; baseline: JS heap growth`);

await browser.close();
await site.close();
await sandbox.stop();

const fmt = (v, unit) => (v === null || v === undefined ? "–" : unit === "ns" ? v.toFixed(0) : v.toFixed(unit === "requests" ? 0 : 1));
console.log(`\n| benchmark | ours | baseline | unit | ours/baseline | what |`);
console.log(`| --- | --- | --- | --- | --- | --- |`);
for (const r of results) console.log(`| ${r.name} | ${fmt(r.ours, r.unit)} | ${fmt(r.baseline, r.unit)} | ${r.unit} | ${r.ratio ?? "–"} | ${r.note} |`);
for (const r of results) console.log(JSON.stringify({ name: r.name, ours: Number(r.ours.toFixed(3)), baseline: r.baseline === null ? null : Number(r.baseline.toFixed(3)), unit: r.unit, ratio: r.ratio }));
