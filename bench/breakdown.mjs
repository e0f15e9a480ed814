// Where the time of bulk_load_10k goes, in headless Chromium against a sandbox with
// BENCH_COMPOUNDS compounds: (a) the network alone (the same 40 requests of 250 ids,
// 4 at a time, bodies read as bytes), (b) getRecordsByIds on a fresh client, (c) the
// same call again, every record cached (lookups and handles only). Decode and store
// are what (b) spends beyond (a) and (c). Medians of BENCH_RUNS fresh pages.
import { startSandbox, serveStatic, launchChromium } from "../tests/js/helpers.mjs";

const COMPOUNDS = Number(process.env.BENCH_COMPOUNDS ?? 12000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PKG = process.env.BENCH_PKG ?? "/pkg";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sandbox = await startSandbox("--seed", "demo", "--seed-records", String(COMPOUNDS));
const site = await serveStatic((await import("../tests/js/helpers.mjs")).ROOT);
const browser = await launchChromium();
const rows = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${site.url}/tests/js/vite-app/index.html`);
    rows.push(await page.evaluate(async ([url, pkg]) => {
      const k = await import(`${pkg}/index.js`);
      await k.default();
      const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
      const ids = await c.records.searchRecords({ limit: 10000 });
      const token = (await (await fetch(`${url}/auth/oauth/token`, { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "sandbox", client_secret: "sandbox-secret" }) })).json()).access_token;
      const batches = [];
      for (let i = 0; i < ids.length; i += 250) batches.push(ids.slice(i, i + 250));
      let next = 0;
      let t0 = performance.now();
      await Promise.all(Array.from({ length: 4 }, async () => {
        while (next < batches.length) {
          const batch = batches[next++];
          await (await fetch(`${url}/records?record_ids=${batch.join(",")}`, { headers: { "X-Kal-Authorization": `Bearer ${token}` } })).arrayBuffer();
        }
      }));
      const networkMs = performance.now() - t0;
      t0 = performance.now();
      const first = await c.records.getRecordsByIds(ids);
      const loadMs = performance.now() - t0;
      t0 = performance.now();
      const again = await c.records.getRecordsByIds(ids);
      const cachedMs = performance.now() - t0;
      if (first.length !== ids.length || again.length !== ids.length) throw new Error("short answer");
      return { networkMs, loadMs, cachedMs };
    }, [sandbox.url, PKG]));
    await context.close();
  }
} finally {
  await browser.close();
  await site.close();
  await sandbox.stop();
}
const m = (key) => median(rows.map((r) => r[key]));
const out = { name: "bulk_load_10k_breakdown", network_ms: m("networkMs"), load_ms: m("loadMs"), cached_ms: m("cachedMs") };
out.decode_and_store_ms = out.load_ms - out.network_ms - out.cached_ms;
console.log(`| bulk_load_10k | network alone ${out.network_ms.toFixed(0)} ms | getRecordsByIds ${out.load_ms.toFixed(0)} ms | again, all cached (lookups + handles) ${out.cached_ms.toFixed(0)} ms | the rest (decode + store, beyond the network) ${out.decode_and_store_ms.toFixed(0)} ms |`);
console.log(JSON.stringify(out));
