// Bad input from JavaScript: each call throws or rejects with a clear
// KalbioError, and the next good call on the same client succeeds (no panic
// has broken the module). Runs in each browser engine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ENGINES, engineHarnessesForFile } from "./helpers.mjs";

async function badCalls(k, url) {
  const client = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
  await client.entityFields.getDataFields();
  await client.entityFields.getKeyFields();
  const record = await client.records.getRecordById({ "Compound ID": "CMP-0001" });
  const circular = { limit: 1 };
  circular.self = circular;
  const calls = {
    "getRecordById(undefined)": () => client.records.getRecordById(undefined),
    "getRecordById(null)": () => client.records.getRecordById(null),
    "getRecordById(42)": () => client.records.getRecordById(42),
    "getRecordById(NaN)": () => client.records.getRecordById(NaN),
    "getRecordById('')": () => client.records.getRecordById(""),
    "getRecordById('a/b')": () => client.records.getRecordById("a/b"),
    "getRecordById([])": () => client.records.getRecordById([]),
    "getRecordById({})": () => client.records.getRecordById({}),
    "getRecordById(unknown key field)": () => client.records.getRecordById({ Colour: "red" }),
    "getRecordsByIds(null)": () => client.records.getRecordsByIds(null),
    "getRecordsByIds('CMP-0001')": () => client.records.getRecordsByIds("CMP-0001"),
    "getRecordsByIds([1, 2])": () => client.records.getRecordsByIds([1, 2]),
    "getRecordsByIds([], 0)": () => client.records.getRecordsByIds([], 0),
    "getRecordsByIds([], NaN)": () => client.records.getRecordsByIds([], NaN),
    "searchRecords({ limit: NaN })": () => client.records.searchRecords({ limit: NaN }),
    "searchRecords({ limit: -5 })": () => client.records.searchRecords({ limit: -5 }),
    "searchRecords(invalid filter_type)": () => client.records.searchRecords({ entity_field_filters: [{ field_id: "x", filter_type: "is_equals" }] }),
    "searchRecords(unknown member)": () => client.records.searchRecords({ colour: "red" }),
    "searchRecords('text')": () => client.records.searchRecords("text"),
    "searchRecords(circular object)": () => client.records.searchRecords(circular),
    "queryCached(wrong filter_prop)": () => client.records.queryCached({ entity_field_filters: [{ field_id: "x", filter_type: "is_less_than", filter_prop: "abc" }] }),
    "getOrCreateRecord(null)": () => client.records.getOrCreateRecord(null),
    "getOrCreateRecord(nested key value)": () => client.records.getOrCreateRecord({ "Compound ID": { nested: 1 } }),
    "getValueContent(undefined)": () => record.getValueContent(undefined),
    "getValueContent(5)": () => record.getValueContent(5),
    "getValueContent(unknown field name)": () => record.getValueContent("Colour"),
    "getValueContent(field, 12)": () => record.getValueContent("IC50", 12),
    "getValueContent(field, null, 'yes')": () => record.getValueContent("IC50", null, "yes"),
    "updateField(field, undefined)": () => record.updateField("IC50", undefined),
    "updateField(field, a 10 MB string)": () => record.updateField("Notes", "x".repeat(10_000_000)),
    "updateField(field, 12, a Blob)": () => record.updateField("IC50", 12, new Blob(["x"])),
    "updateFieldFile(field, name, a string)": () => record.updateFieldFile("Plate map", "f.csv", "not a blob", "text/csv"),
    "createRecordValueFile(id, field, 12, …)": () => client.records.createRecordValueFile(record.id, "Plate map", 12, new Uint8Array(1), "text/csv"),
    "createActivity({ title: 5 })": () => client.activities.createActivity({ title: 5, activity_type: "task" }),
    "getOrCreateDataField('X', 5)": () => client.entityFields.getOrCreateDataField("X", 5),
    "downloadFile(undefined)": () => client.downloadFile(undefined),
    "getRecordById(id, { signal: 'soon' })": () => client.records.getRecordById(record.id, { signal: "soon" }),
    "new KaleidoscopeClient({ url: 'ftp://x' })": () => new k.KaleidoscopeClient({ url: "ftp://x", clientId: "a", clientSecret: "b" }),
    "new KaleidoscopeClient({ clientId: 5 })": () => new k.KaleidoscopeClient({ url, clientId: 5, clientSecret: "b" }),
    "new KaleidoscopeClient({ timeoutMs: -1 })": () => new k.KaleidoscopeClient({ url, clientId: "a", clientSecret: "b", timeoutMs: -1 }),
  };
  // Values JSON text would hide or choke on: each must be refused, naming the member.
  const boom = () => { throw new Error("getter threw"); };
  const cyclicObject = { a: 1 };
  cyclicObject.b = { back: cyclicObject };
  const cyclicArray = [1];
  cyclicArray.push(cyclicArray);
  const opts = (extra) => ({ url, clientId: "a", clientSecret: "b", ...extra });
  const filter = (filter_prop) => ({ entity_field_filters: [{ field_id: "x", filter_type: "is_equal", filter_prop }] });
  const bare = (members) => Object.assign(Object.create(null), members);
  const named = {
    "searchRecords({ limit: 5n })": [() => client.records.searchRecords({ limit: 5n }), "limit"],
    "getRecordsByIds([], 10n)": [() => client.records.getRecordsByIds([], 10n), "batchSize"],
    "new KaleidoscopeClient({ timeoutMs: 1000n })": [() => new k.KaleidoscopeClient(opts({ timeoutMs: 1000n })), "timeoutMs"],
    "getOrCreateRecord({ key: 7n })": [() => client.records.getOrCreateRecord({ "Compound ID": 7n }), "Compound ID"],
    "updateField(field, 5n)": [() => record.updateField("IC50", 5n), "content"],
    "searchRecords(filter_prop: 1n)": [() => client.records.searchRecords(filter(1n)), "filter_prop"],
    "updateField(field, a cyclic object)": [() => record.updateField("Notes", cyclicObject), "content.b.back"],
    "queryCached(filter_prop: a cyclic array)": [() => client.records.queryCached(filter(cyclicArray)), "filter_prop[1]"],
    "createActivity(a cyclic member)": [() => client.activities.createActivity({ title: "cyclic", activity_type: "task", program_ids: cyclicArray }), "program_ids[1]"],
    "searchRecords({ limit: Infinity })": [() => client.records.searchRecords({ limit: Infinity }), "limit"],
    "queryCached({ limit: NaN })": [() => client.records.queryCached({ limit: NaN }), "limit"],
    "getRecordsByIds([], Infinity)": [() => client.records.getRecordsByIds([], Infinity), "batchSize"],
    "new KaleidoscopeClient({ timeoutMs: NaN })": [() => new k.KaleidoscopeClient(opts({ timeoutMs: NaN })), "timeoutMs"],
    "new KaleidoscopeClient({ timeoutMs: Infinity })": [() => new k.KaleidoscopeClient(opts({ timeoutMs: Infinity })), "timeoutMs"],
    "new KaleidoscopeClient({ maxRetries: NaN })": [() => new k.KaleidoscopeClient(opts({ maxRetries: NaN })), "maxRetries"],
    "new KaleidoscopeClient({ retryBaseMs: Infinity })": [() => new k.KaleidoscopeClient(opts({ retryBaseMs: Infinity })), "retryBaseMs"],
    "new KaleidoscopeClient({ retryMaxMs: NaN })": [() => new k.KaleidoscopeClient(opts({ retryMaxMs: NaN })), "retryMaxMs"],
    "new KaleidoscopeClient({ concurrency: NaN })": [() => new k.KaleidoscopeClient(opts({ concurrency: NaN })), "concurrency"],
    "new KaleidoscopeClient({ cache: { maxRecords: NaN } })": [() => new k.KaleidoscopeClient(opts({ cache: { maxRecords: NaN } })), "maxRecords"],
    "new KaleidoscopeClient({ cache: { maxRecords: -Infinity } })": [() => new k.KaleidoscopeClient(opts({ cache: { maxRecords: -Infinity } })), "maxRecords"],
    "createActivity({ duration: NaN })": [() => client.activities.createActivity({ title: "nan", activity_type: "task", duration: NaN }), "duration"],
    "updateField(field, NaN)": [() => record.updateField("IC50", NaN), "content"],
    "updateField(field, [1, Infinity])": [() => record.updateField("IC50", [1, Infinity]), "content[1]"],
    "searchRecords(filter_prop: NaN)": [() => client.records.searchRecords(filter(NaN)), "filter_prop"],
    "getOrCreateRecord({ key: NaN })": [() => client.records.getOrCreateRecord({ "Compound ID": NaN }), "Compound ID"],
    "searchRecords({ search_text: a function })": [() => client.records.searchRecords({ search_text: () => "x" }), "search_text"],
    "updateField(field, { f() {} })": [() => record.updateField("Notes", { f() {} }), "content.f"],
    "new KaleidoscopeClient({ url: a function })": [() => new k.KaleidoscopeClient({ url: () => url, clientId: "a", clientSecret: "b" }), "url"],
    "new KaleidoscopeClient({ additionalHeaders: { X: a function } })": [() => new k.KaleidoscopeClient(opts({ additionalHeaders: { "X-A": () => 1 } })), "X-A"],
    "searchRecords({ search_text: a symbol })": [() => client.records.searchRecords({ search_text: Symbol("x") }), "search_text"],
    "updateField(field, a symbol)": [() => record.updateField("Notes", Symbol("x")), "content"],
    "getOrCreateRecord({ key: a symbol })": [() => client.records.getOrCreateRecord({ "Compound ID": Symbol("x") }), "Compound ID"],
    "searchRecords({ get limit() throws })": [() => client.records.searchRecords({ get limit() { return boom(); } }), "limit"],
    "new KaleidoscopeClient({ get timeoutMs() throws })": [() => new k.KaleidoscopeClient(Object.defineProperty(opts({}), "timeoutMs", { get: boom, enumerable: true })), "timeoutMs"],
    "getRecordsByIds([], 10, { get signal() throws })": [() => client.records.getRecordsByIds([], 10, { get signal() { return boom(); } }), "signal"],
    "createActivity({ get activity_type() throws })": [() => client.activities.createActivity({ title: "getter", get activity_type() { return boom(); } }), "activity_type"],
    "searchRecords(frozen { limit: NaN })": [() => client.records.searchRecords(Object.freeze({ limit: NaN })), "limit"],
    "updateField(field, frozen { a: 1n })": [() => record.updateField("Notes", Object.freeze({ a: 1n })), "content.a"],
    "searchRecords(prototype-less { limit: 0.5 })": [() => client.records.searchRecords(bare({ limit: 0.5 })), "limit"],
    "getOrCreateRecord(prototype-less { key: { nested } })": [() => client.records.getOrCreateRecord(bare({ "Compound ID": { nested: true } })), "Compound ID"],
    "getDataFields({ signal: {} })": [() => client.entityFields.getDataFields({ signal: {} }), "signal"],
    "updateField(field, a Date)": [() => record.updateField("Tested on", new Date(0)), "content"],
    "columns(42, fields)": [() => client.records.columns(42, ["IC50"]), "idsOrQuery"],
    "columns([id, 7], fields)": [() => client.records.columns([record.id, 7], ["IC50"]), "idsOrQuery[1]"],
    "columns([id, key values], fields)": [() => client.records.columns([record.id, { "Compound ID": "CMP-0001" }], ["IC50"]), "idsOrQuery[1]"],
    "columns({ limit: NaN }, fields)": [() => client.records.columns({ limit: NaN }, ["IC50"]), "idsOrQuery.limit"],
    "columns({ colour }, fields)": [() => client.records.columns({ colour: "red" }, ["IC50"]), "idsOrQuery.colour"],
    "columns([id], 'IC50')": [() => client.records.columns([record.id], "IC50"), "fields"],
    "columns([id], [IC50, 5])": [() => client.records.columns([record.id], ["IC50", 5]), "fields[1]"],
    "columns([id], fields, { activity })": [() => client.records.columns([record.id], ["IC50"], { activity: "Run 1" }), "options.activity"],
    "columns([id], fields, { activityId: 3 })": [() => client.records.columns([record.id], ["IC50"], { activityId: 3 }), "options.activityId"],
    "columns([id], fields, { includeSubRecordValues: 'yes' })": [() => client.records.columns([record.id], ["IC50"], { includeSubRecordValues: "yes" }), "includeSubRecordValues"],
    "columns([id], fields, { recordViewId: '' })": [() => client.records.columns([record.id], ["IC50"], { recordViewId: "" }), "options.recordViewId"],
    "columns([id], fields, { recordViewId: NaN })": [() => client.records.columns([record.id], ["IC50"], { recordViewId: NaN }), "options.recordViewId"],
  };
  for (const [name, [call, member]] of Object.entries(named)) calls[name] = Object.assign(call, { member });
  const results = {};
  for (const [name, call] of Object.entries(calls)) {
    let outcome;
    try {
      await call();
      outcome = { ok: true };
    } catch (e) {
      outcome = { kalbio: e instanceof k.KalbioError, code: e.code, status: e.status, message: e.message };
    }
    if (call.member) outcome.member = call.member;
    const next = await client.records.searchRecords({ limit: 1 }).then((ids) => ids.length === 1, () => false);
    results[name] = { ...outcome, next };
  }
  return results;
}

// Frozen and prototype-less objects are ordinary arguments: good ones work. So do
// objects with members no one reads (here the page's window and document body).
async function goodUnusualObjects(k, url) {
  const client = new k.KaleidoscopeClient(Object.freeze({ url, clientId: "sandbox", clientSecret: "sandbox-secret" }));
  // An option the client does not know is refused by its name, its value never read.
  let read = false;
  const unknown = Object.defineProperty({ url, clientId: "sandbox", clientSecret: "sandbox-secret" }, "app", { enumerable: true, get: () => { read = true; return window; } });
  let refused = null;
  try {
    new k.KaleidoscopeClient(unknown);
  } catch (e) {
    refused = e instanceof k.KalbioError && e.code === "invalid_argument" && e.message.includes("options.app");
  }
  const activity = await client.activities.createActivity({ title: `extra ${Date.now()}`, activity_type: "task", view: document.body });
  await client.entityFields.getKeyFields();
  const bare = Object.assign(Object.create(null), { limit: 2 });
  const key = Object.assign(Object.create(null), { "Compound ID": "CMP-0001" });
  return {
    frozen: (await client.records.searchRecords(Object.freeze({ limit: 1 }))).length,
    bare: (await client.records.searchRecords(bare)).length,
    key: (await client.records.getOrCreateRecord(Object.freeze(key))).record_identifier,
    activity: activity.activity_type,
    unknownRefusedUnread: refused === true && !read,
  };
}

const { harness } = engineHarnessesForFile("--seed", "demo");

for (const engine of ENGINES) {
  let answered;
  // The bad calls run once per engine; the first test that needs them starts them.
  const resultsIn = () => (answered ??= harness(engine).then((h) => h.run(badCalls)));

  test(`${engine}: forty-odd values JSON would hide (BigInt, cycles, NaN, functions, symbols, throwing getters, frozen, prototype-less) each fail naming the member`, async () => {
    const results = await resultsIn();
    const named = Object.entries(results).filter(([, r]) => r.member);
    assert.ok(named.length >= 52, `only ${named.length} named cases`);
    const wrong = [];
    for (const [name, r] of named) {
      if (!r.kalbio || r.code !== "invalid_argument" || !String(r.message).includes(r.member) || !r.next) wrong.push(`${name}: ${JSON.stringify(r)}`);
    }
    assert.deepEqual(wrong, []);
  });

  test(`${engine}: frozen and prototype-less objects that are right work, members no one reads are not read, and an unknown option is refused unread`, async () => {
    assert.deepEqual(await (await harness(engine)).run(goodUnusualObjects), { frozen: 1, bare: 2, key: "CMP-0001", activity: "task", unknownRefusedUnread: true });
  });

  test(`${engine}: each bad call fails with a clear KalbioError and the next good call succeeds`, async () => {
    const results = await resultsIn();
    const wrong = [];
    for (const [name, r] of Object.entries(results)) {
      const clear = r.kalbio && typeof r.message === "string" && r.message.length > 10;
      const expectedCode = ["invalid_argument", "not_found"].includes(r.code) || (r.code === "http_error" && r.status >= 400 && r.status < 500);
      if (!clear || !expectedCode || !r.next) wrong.push(`${name}: ${JSON.stringify(r)}`);
    }
    assert.deepEqual(wrong, []);
  });
}
