// Bad input from JavaScript: each call throws or rejects with a clear
// KalbioError, and the next good call on the same client succeeds (no panic
// has broken the module). Runs in headless Chromium.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { browserHarnessForFile } from "./helpers.mjs";

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
  const results = {};
  for (const [name, call] of Object.entries(calls)) {
    let outcome;
    try {
      await call();
      outcome = { ok: true };
    } catch (e) {
      outcome = { kalbio: e instanceof k.KalbioError, code: e.code, status: e.status, message: e.message };
    }
    const next = await client.records.searchRecords({ limit: 1 }).then((ids) => ids.length === 1, () => false);
    results[name] = { ...outcome, next };
  }
  return results;
}

const harness = browserHarnessForFile("--seed", "demo");
let results;
before(async () => {
  results = await (await harness).run(badCalls);
});

test("each bad call fails with a clear KalbioError and the next good call succeeds", () => {
  const wrong = [];
  for (const [name, r] of Object.entries(results)) {
    const clear = r.kalbio && typeof r.message === "string" && r.message.length > 10;
    const expectedCode = ["invalid_argument", "not_found"].includes(r.code) || (r.code === "http_error" && r.status >= 400 && r.status < 500);
    if (!clear || !expectedCode || !r.next) wrong.push(`${name}: ${JSON.stringify(r)}`);
  }
  assert.deepEqual(wrong, []);
});
