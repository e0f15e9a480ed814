// Builds of the package against each other on bulk_load_10k: in every run, one
// fresh page per build and one for the plain-JS baseline (bench/baseline.js), so
// that the machine's drift (a shared VM) falls on all of them alike. Prints each
// build's median, its ratio to the baseline and its longest main-thread task.
//   AB_PKGS=/pkg-a,/pkg BENCH_RUNS=9 node bench/ab.mjs
// (each build a copy of pkg/ under the repository root, made with bash scripts/build-pkg.sh).
// AB_WARM=1 first loads 600 other records in each page, so that the load measured
// runs code the browser has already optimized (and, for ours, with the lists held).
import { startSandbox, serveStatic, launchChromium, ROOT } from "../tests/js/helpers.mjs";

const COMPOUNDS = Number(process.env.BENCH_COMPOUNDS ?? 50000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PKG = "/pkg";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sandbox = await startSandbox("--seed", "demo", "--seed-records", String(COMPOUNDS));
const site = await serveStatic(ROOT);
const browser = await launchChromium([]);

/** Runs `fn(k, wasm, base, url, who)` in a fresh page with the build at `pkg`. */
async function inPage(fn, who, pkg) {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${site.url}/tests/js/vite-app/index.html`);
    return await page.evaluate(async ([src, url, who, pkg, warm]) => {
      const k = await import(`${pkg}/index.js`);
      const wasm = await k.default();
      const base = await import("/bench/baseline.js");
      return (0, eval)(`(${src})`)(k, wasm, base, url, who, warm);
    }, [fn.toString(), sandbox.url, who, pkg, process.env.AB_WARM === "1"]);
  } finally {
    await context.close();
  }
}

// A/B: each run loads in a fresh page with each build and the baseline.
const PKGS = (process.env.AB_PKGS ?? "/pkg-a,/pkg").split(",");
const bulk = { baseline: [] };
for (const p of PKGS) bulk[p] = [];
const tasks = {};
for (const p of PKGS) tasks[p] = [];
for (let run = 0; run < RUNS; run++) {
  for (const who of [...PKGS, "baseline"]) {
    const r = await inPage(async (k, wasm, base, url, who, warm) => {
      const ours = who !== "baseline";
      const c = ours ? new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" }) : new base.BaselineClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
      const all = ours ? await c.records.searchRecords({ limit: 10600 }) : await c.searchRecords({ limit: 10600 });
      const ids = all.slice(0, 10000);
      if (warm) await (ours ? c.records.getRecordsByIds(all.slice(10000)) : c.getRecordsByIds(all.slice(10000)));
      const longTasks = [];
      const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: "longtask" });
      const t0 = performance.now();
      const got = ours ? await c.records.getRecordsByIds(ids) : await c.getRecordsByIds(ids);
      const ms = performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, 100));
      longTasks.push(...observer.takeRecords().map((e) => e.duration));
      if (got.length !== 10000) throw new Error(`loaded ${got.length}`);
      return { ms, longest: Math.max(0, ...longTasks) };
    }, who === "baseline" ? "baseline" : "ours", who === "baseline" ? PKG : who);
    bulk[who].push(r.ms);
    if (who !== "baseline") tasks[who].push(r.longest);
  }
}
for (const p of PKGS) console.log(p, "ms", median(bulk[p]).toFixed(0), "ratio", (median(bulk[p]) / median(bulk.baseline)).toFixed(2), "longest task median", median(tasks[p]).toFixed(0), "all", bulk[p].map((x) => x.toFixed(0)).join(" "));
console.log("baseline", median(bulk.baseline).toFixed(0), bulk.baseline.map((x) => x.toFixed(0)).join(" "));
await browser.close(); await site.close(); await sandbox.stop();
process.exit(0);
