// node bench/boundary.mjs: what values crossing the wasm boundary cost, in
// headless Chromium against the demo sandbox (2,000 compounds). Medians of
// BENCH_RUNS (default 7). BENCH_PKG_BEFORE=/dir (under the repository, e.g.
// /tests/out/pkg-base) serves another build for a "before" column. docs/performance.md's
// JSON text against serde-wasm-bindgen rows were measured with temporary hooks
// that handed the same value over both ways in one build.
import { startSandbox, serveStatic, launchChromium, ROOT } from "../tests/js/helpers.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BEFORE = process.env.BENCH_PKG_BEFORE;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sandbox = await startSandbox("--seed", "demo");
const site = await serveStatic(ROOT);
const browser = await launchChromium();

async function inPage(pkg, fn) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}/tests/js/vite-app/index.html`);
    return await page.evaluate(async ([src, url, pkg]) => {
      const k = await import(`${pkg}/index.js`);
      await k.default();
      return (0, eval)(`(${src})`)(k, url);
    }, [fn.toString(), sandbox.url, pkg]);
  } finally {
    await context.close();
  }
}

// Every figure is microseconds per call, the best of three passes.
async function measure(k, url) {
  const client = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
  const ids = await client.records.searchRecords({ limit: 2000 });
  const records = await client.records.getRecordsByIds(ids);
  await client.entityFields.getDataFields();
  const time = (n, f) => {
    let best = Infinity;
    for (let pass = 0; pass < 3; pass++) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) f(i);
      best = Math.min(best, ((performance.now() - t0) * 1000) / n);
    }
    return best;
  };
  const out = {};
  out.toJSON = time(2000, (i) => records[i].toJSON());
  out.record_values = time(2000, (i) => records[i].record_values);
  out.cacheStats = time(20000, () => client.cacheStats());
  const t0 = performance.now();
  for (let i = 0; i < 2000; i++) await client.entityFields.getDataFields();
  out.getDataFields = ((performance.now() - t0) * 1000) / 2000;
  out.queryCached_100 = time(200, () => client.records.queryCached({ limit: 100 }));
  return out;
}

const runs = { after: [], before: [] };
for (let i = 0; i < RUNS; i++) {
  runs.after.push(await inPage("/pkg", measure));
  if (BEFORE) runs.before.push(await inPage(BEFORE, measure));
}
const summary = {};
for (const [side, list] of Object.entries(runs)) {
  if (!list.length) continue;
  for (const key of Object.keys(list[0])) summary[`${side}.${key}`] = Number(median(list.map((r) => r[key])).toFixed(2));
}
console.log(JSON.stringify(summary, null, 1));
await browser.close();
await site.close();
await sandbox.stop();
