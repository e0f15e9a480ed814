// What users are told holds: cached answers expire after cache.ttlMs, lists are
// fetched again for what they lack, names work after any fetch, a write that
// landed resolves, and the smaller promises of the README. Each scenario runs in
// each browser engine and in Node against one sandbox; a scenario must not use
// anything from this file's scope (in the browser it is sent as source text).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, ENGINES, engineHarnessesForFile } from "./helpers.mjs";

const scenarios = {
  async "another client's write is seen after ttlMs and not before, counted in requests"(k, url) {
    const log = async (path) => (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path === path).length;
    const options = { url, clientId: "sandbox", clientSecret: "sandbox-secret" };
    const reader = new k.KaleidoscopeClient({ ...options, cache: { ttlMs: 3000 } });
    const writer = new k.KaleidoscopeClient(options);
    const held = await reader.records.getRecordById({ "Compound ID": "CMP-0101" });
    const path = `/records/${held.id}`;
    const before = held.getValueContent("Notes");
    const note = `ttl ${Math.random().toString(36).slice(2)}`;
    await (await writer.records.getRecordById(held.id)).updateField("Notes", note);
    const fetchesAtWrite = await log(path);
    const early = await reader.records.getRecordById(held.id);
    const seenEarly = early.getValueContent("Notes");
    const fetchesEarly = (await log(path)) - fetchesAtWrite;
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const late = await reader.records.getRecordById(held.id);
    const fetchesLate = (await log(path)) - fetchesAtWrite;
    // A client that keeps records until they are evicted never asks again.
    const forever = new k.KaleidoscopeClient({ ...options, cache: { ttlMs: Infinity } });
    await forever.records.getRecordById(held.id);
    const foreverBefore = await log(path);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await forever.records.getRecordById(held.id);
    return {
      oldShownBeforeTtl: seenEarly === before && seenEarly !== note,
      fetchesEarly,
      newAfterTtl: late.getValueContent("Notes") === note,
      sameHandleRefreshed: late === held && held.getValueContent("Notes") === note,
      fetchesLate,
      infinityAsksOnce: (await log(path)) - foreverBefore,
    };
  },

  async "a not-found becomes found after ttlMs"(k, url) {
    const options = { url, clientId: "sandbox", clientSecret: "sandbox-secret" };
    const reader = new k.KaleidoscopeClient({ ...options, cache: { ttlMs: 3000 } });
    const writer = new k.KaleidoscopeClient(options);
    const name = `LATE-${Math.random().toString(36).slice(2)}`;
    const first = await reader.records.getRecordById({ "Compound ID": name });
    const made = await writer.records.getOrCreateRecord({ "Compound ID": name });
    const remembered = await reader.records.getRecordById({ "Compound ID": name });
    const byUuidFirst = await reader.records.getRecordById("00000000-0000-4000-8000-0000000000aa");
    await new Promise((resolve) => setTimeout(resolve, 3100));
    const found = await reader.records.getRecordById({ "Compound ID": name });
    return { first, remembered, byUuidFirst, found: found?.id === made.id };
  },

  async "an activity created by another client is used by object, uuid and title"(k, url) {
    const options = { url, clientId: "sandbox", clientSecret: "sandbox-secret" };
    const mine = new k.KaleidoscopeClient(options);
    await mine.activities.getActivities();
    const record = await mine.records.getRecordById({ "Compound ID": "CMP-0102" });
    const other = new k.KaleidoscopeClient(options);
    const title = `Elsewhere ${Math.random().toString(36).slice(2)}`;
    const made = await other.activities.createActivity({ title, activity_type: "experiment" });
    const written = [];
    for (const activity of [made, made.id, title]) {
      const value = await record.updateField("Notes", `in ${typeof activity === "string" ? activity : "object"}`, activity);
      written.push(value.operation_id === made.id);
    }
    const found = await mine.activities.getActivityById(title);
    return { written, found: found?.id === made.id, readBack: record.getValueContent("Notes", title) === `in ${title}` };
  },

  async "names and titles work in every reader after any fetch, with no getDataFields first"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0042" });
    const ic50 = record.getValueContent("IC50");
    const [batch] = await new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" })
      .records.getRecordsByIds([record.id]);
    const activities = await c.activities.getActivities();
    const withData = activities.find((a) => Object.keys(record.getActivityData(a.title)).length > 0);
    return { ic50IsNumber: typeof ic50 === "number", batchToo: typeof batch.getValueContent("IC50") === "number", activityByTitle: withData !== undefined };
  },

  async "a write whose refetch meets 503s resolves with its value and is written once"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", retryBaseMs: 5, retryMaxMs: 10 });
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0103" });
    const note = `refetch ${Math.random().toString(36).slice(2)}`;
    await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
    await fetch(`${url}/_sandbox/faults`, { method: "POST", body: JSON.stringify({ method: "GET", path_prefix: `/records/${record.id}`, times: 3, status: 503 }) });
    const value = await record.updateField("Notes", note);
    const log = (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path.startsWith(`/records/${record.id}`));
    await fetch(`${url}/_sandbox/faults`, { method: "DELETE" });
    const reread = await c.records.getRecordById(record.id);
    return {
      resolvedWith: value.content === note,
      posts: log.filter((e) => e.method === "POST").length,
      refetchesFailed: log.filter((e) => e.method === "GET" && e.status === 503).length,
      nextReadShowsIt: reread.getValueContent("Notes") === note,
    };
  },

  async "refetch() of a record the server no longer has rejects with not_found"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0104" });
    await fetch(`${url}/_sandbox/faults`, { method: "POST", body: JSON.stringify({ method: "GET", path_prefix: `/records/${record.id}`, times: 1, status: 404 }) });
    const outcome = await record.refetch().then(() => "resolved", (e) => `${e.name}:${e.code}`);
    return { outcome };
  },

  async "key values compare as the server compares them: 51567 and \"51567\" are one record"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const n = 50000 + Math.floor(Math.random() * 40000);
    const made = await c.records.getOrCreateRecord({ "Compound ID": n });
    const log = async () => (await (await fetch(`${url}/_sandbox/requests`)).json()).length;
    const before = await log();
    const asText = await c.records.getRecordById({ "Compound ID": String(n) });
    const requests = (await log()) - before;
    const other = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const elsewhere = await other.records.getRecordById({ "Compound ID": String(n) });
    return { same: asText?.id === made.id && elsewhere?.id === made.id, fromCache: requests === 0 };
  },

  async "recordViewId: a value written to a record view is read back by its view, as kalbio 0.5.0 does"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const run = await c.activities.createActivity({ title: `Views ${Math.random().toString(36).slice(2)}`, activity_type: "experiment" });
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0105" });
    const view = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const written = await record.updateField("Notes", "in the view", run.id, view);
    await record.addValue("Notes", "outside any view", run.id);
    const values = await record.getValues();
    return {
      writtenView: written.record_view_id,
      stored: values.some((v) => v.record_view_id === view && v.content === "in the view"),
      byView: record.getValueContent("Notes", run.id, false, null, view),
      withoutView: record.getValueContent("Notes", run.id),
      keyValueInView: record.getValueContent("Compound ID", null, false, null, view),
      badView: await record.addValue("Notes", "x", run.id, 42).then(() => "written", (e) => e.code),
    };
  },

  async "getActivities({ refresh: true }) asks the server again; the cached list answers otherwise"(k, url) {
    const count = async () => (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path === "/activities" && e.method === "GET").length;
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await c.activities.getActivities();
    const first = await count();
    await c.activities.getActivities();
    await c.entityFields.getDataFields();
    const cached = (await count()) - first;
    const other = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const title = `Refresh ${Math.random().toString(36).slice(2)}`;
    await other.activities.createActivity({ title, activity_type: "task" });
    const refreshed = await c.activities.getActivities({ refresh: true });
    const fields = await c.entityFields.getDataFields({ refresh: true });
    const bad = await c.activities.getActivities({ refresh: "yes" }).then(() => "answered", (e) => e.code);
    const badTtl = [-1, 1.5, NaN, "60000"].map((ttlMs) => {
      try { new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", cache: { ttlMs } }); return "made"; } catch (e) { return e.code; }
    });
    return { cached, refreshedRequests: (await count()) - first, found: refreshed.some((a) => a.title === title), fields: fields.length > 0, bad, badTtl };
  },
};

const expectations = {
  "another client's write is seen after ttlMs and not before, counted in requests": {
    oldShownBeforeTtl: true, fetchesEarly: 0, newAfterTtl: true, sameHandleRefreshed: true, fetchesLate: 1, infinityAsksOnce: 0,
  },
  "a not-found becomes found after ttlMs": { first: null, remembered: null, byUuidFirst: null, found: true },
  "an activity created by another client is used by object, uuid and title": { written: [true, true, true], found: true, readBack: true },
  "names and titles work in every reader after any fetch, with no getDataFields first": { ic50IsNumber: true, batchToo: true, activityByTitle: true },
  "a write whose refetch meets 503s resolves with its value and is written once": { resolvedWith: true, posts: 1, refetchesFailed: 3, nextReadShowsIt: true },
  "refetch() of a record the server no longer has rejects with not_found": { outcome: "KalbioError:not_found" },
  "key values compare as the server compares them: 51567 and \"51567\" are one record": { same: true, fromCache: true },
  "recordViewId: a value written to a record view is read back by its view, as kalbio 0.5.0 does": {
    writtenView: "0f8fad5b-d9cb-469f-a165-70867728950e", stored: true, byView: "in the view", withoutView: "outside any view", keyValueInView: null, badView: "invalid_argument",
  },
  "getActivities({ refresh: true }) asks the server again; the cached list answers otherwise": {
    cached: 0, refreshedRequests: 1, found: true, fields: true, bad: "invalid_argument", badTtl: ["invalid_argument", "invalid_argument", "invalid_argument", "invalid_argument"],
  },
};

const { sandbox, harness } = engineHarnessesForFile("--seed", "demo");

for (const engine of ENGINES) {
  for (const [name, scenario] of Object.entries(scenarios)) {
    test(`${engine}: ${name}`, async () => {
      assert.deepEqual(await (await harness(engine)).run(scenario), expectations[name]);
    });
  }

  test(`${engine}: a client made before init() throws a KalbioError not_initialized; after init() it works`, async () => {
    const h = await harness(engine);
    // The page loaded again: a fresh copy of the package that nothing has initialised
    // (WebKitWebDriver holds one session, so no second page).
    const page = h.page;
    try {
      await page.goto(`${h.site.url}/tests/js/vite-app/index.html`);
      const result = await page.evaluate(async (url) => {
        const k = await import("/pkg/index.js");
        const options = { url, clientId: "sandbox", clientSecret: "sandbox-secret" };
        let before;
        try {
          new k.KaleidoscopeClient(options);
          before = "no error";
        } catch (e) {
          before = { kalbio: e instanceof k.KalbioError, name: e.name, code: e.code, saysInit: /await init\(\)/.test(e.message) };
        }
        await k.default();
        const record = await new k.KaleidoscopeClient(options).records.getRecordById({ "Compound ID": "CMP-0042" });
        return { before, after: record.record_identifier };
      }, h.sandbox.url);
      assert.deepEqual(result, { before: { kalbio: true, name: "KalbioError", code: "not_initialized", saysInit: true }, after: "CMP-0042" });
    } finally {
      // Later tests in this engine expect the harness's page as it was: loaded afresh.
      await page.goto(`${h.site.url}/tests/js/vite-app/index.html`);
    }
  });
}

for (const [name, scenario] of Object.entries(scenarios)) {
  test(`node: ${name}`, async () => {
    const k = await import(join(ROOT, "pkg/node.js"));
    await k.default();
    assert.deepEqual(await scenario(k, (await sandbox).url), expectations[name]);
  });
}
