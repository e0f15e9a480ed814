// Bounded memory: loads every record of a sandbox seeded with 200,000 compounds
// through a client with cache.maxRecords = 50,000, in headless Chromium, and
// prints the records held and the wasm memory as loading goes on. Fails if the
// cache holds more than its bound or the memory keeps growing once it is full.
import { startSandbox, serveStatic, launchChromium, ROOT } from "../tests/js/helpers.mjs";

const COMPOUNDS = Number(process.env.BENCH_MEMORY_RECORDS ?? 200000);
const MAX = Number(process.env.BENCH_MEMORY_MAX ?? 50000);
const t0 = Date.now();
const sandbox = await startSandbox("--seed", "demo", "--seed-records", String(COMPOUNDS));
console.error(`sandbox with ${COMPOUNDS} compounds ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
const site = await serveStatic(ROOT);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(`${site.url}/tests/js/vite-app/index.html`);
  const rows = await page.evaluate(async ([url, max]) => {
    const k = await import("/pkg/index.js");
    const wasm = await k.default();
    const client = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", cache: { maxRecords: max }, timeoutMs: 120000 });
    const ids = await client.records.searchRecords({ limit: 1000000 });
    const rows = [];
    const step = Math.max(1000, Math.round(max / 2.5));
    for (let at = 0; at < ids.length; at += step) {
      const started = performance.now();
      const handles = await client.records.getRecordsByIds(ids.slice(at, at + step));
      // A dashboard drops the handles it no longer shows; free() does it now rather than at GC.
      for (const record of handles) record.free();
      const stats = client.cacheStats();
      rows.push({ loaded: Math.min(at + step, ids.length), held: stats.records, evictions: stats.evictions, memoryMB: wasm.memory.buffer.byteLength / 1048576, ms: Math.round(performance.now() - started) });
    }
    return rows;
  }, [sandbox.url, MAX]);
  console.log("| records loaded | records held | evictions | wasm memory (MB) | batch time (ms) |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(`| ${r.loaded} | ${r.held} | ${r.evictions} | ${r.memoryMB.toFixed(1)} | ${r.ms} |`);
  const full = rows.findIndex((r) => r.held >= MAX);
  const atFull = rows[Math.min(full + 1, rows.length - 1)].memoryMB;
  const last = rows[rows.length - 1];
  const growth = (last.memoryMB - atFull) / atFull;
  console.log(JSON.stringify({ name: "memory_200k", loaded: last.loaded, held: last.held, memory_mb_when_full: atFull, memory_mb_at_end: last.memoryMB, growth_after_full: Number(growth.toFixed(3)) }));
  if (last.held > MAX) throw new Error(`the cache holds ${last.held} records, more than ${MAX}`);
  if (growth > 0.1) throw new Error(`wasm memory grew ${(growth * 100).toFixed(0)}% after the cache was full`);
} finally {
  await browser.close();
  await site.close();
  await sandbox.stop();
}
