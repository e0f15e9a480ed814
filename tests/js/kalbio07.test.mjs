// What kalbio 0.7.0 changed, in the package, in headless Chromium against the
// sandbox: addValue's answer, a sub-record selected alone, { useCache: false } on
// every cached read (counted in the sandbox's request log), clearCaches, the key
// index, sparse records, the activity members and client.entityTypes.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { browserHarnessForFile } from "./helpers.mjs";

async function exercise(k, url) {
  const out = {};
  const hooks = (path, init) => fetch(url + "/_sandbox/" + path, init);
  // The requests the sandbox served since the last call, as "METHOD path", without the token's.
  const served = async () => {
    const log = await (await hooks("requests")).json();
    await hooks("requests", { method: "DELETE" });
    return log.filter((e) => e.path !== "/auth/oauth/token").map((e) => `${e.method} ${e.path}`);
  };
  const fault = (spec) => hooks("faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
  const options = { url, clientId: "sandbox", clientSecret: "sandbox-secret" };
  const c = new k.KaleidoscopeClient(options);
  const other = new k.KaleidoscopeClient(options);
  await c.entityFields.getKeyFields();
  await c.entityFields.getDataFields();
  await c.activities.getActivities();

  // addValue resolves the value written; the handle shows it.
  const record = await c.records.getRecordById({ "Compound ID": "CMP-0201" });
  const run = await c.activities.getActivityById("Kinase panel Q1");
  const written = await record.addValue("IC50", 4.25, run.id);
  out.addValue = { content: written.content, operation: written.operation_id === run.id, own: written.record_id === record.id,
    shown: record.getValueContent("IC50") };

  // A sub-record id alone selects its values.
  const parent = await c.records.getRecordById({ "Compound ID": "CMP-0025" });
  const batch = await c.records.getRecordById(parent.sub_record_ids[1]);
  out.subRecord = { alone: parent.getValueContent("IC50", null, null, batch.id), included: parent.getValueContent("IC50", null, true, batch.id),
    batchOwn: batch.getValueContent("IC50"), parentOwn: parent.getValueContent("IC50") };

  // useCache: false on getRecordById fetches anew, by a request of its own, and the held handle shows it.
  await served();
  const held = await c.records.getRecordById(record.id);
  const cachedServed = await served();
  const elsewhere = await other.records.getRecordById(record.id);
  await elsewhere.updateField("Notes", "written by another client");
  await served();
  const stale = held.getValueContent("Notes");
  const fresh = await c.records.getRecordById(record.id, { useCache: false });
  out.getRecordById = { cachedServed, bypassServed: await served(), stale, fresh: fresh.getValueContent("Notes"),
    sameHandle: fresh === held, heldShows: held.getValueContent("Notes") };
  // Two concurrent reads: the bypassing one is not answered by the other's request.
  c.records.clearRecordCaches();
  await served();
  await Promise.all([c.records.getRecordById(record.id), c.records.getRecordById(record.id, { useCache: false })]);
  out.concurrent = await served();

  // getRecordsByIds: cached ones too, and an id the server no longer answers is left out.
  const a = await c.records.getRecordById({ "Compound ID": "CMP-0202" });
  const b = await c.records.getRecordById({ "Compound ID": "CMP-0203" });
  await served();
  await c.records.getRecordsByIds([a.id, b.id]);
  const batchCached = await served();
  await c.records.getRecordsByIds([a.id, b.id], null, { useCache: false });
  const batchBypass = await served();
  const bOnly = await (await fetch(url + "/records/" + b.id, { headers: { "X-Kal-Authorization": "Bearer " + (await (await fetch(url + "/auth/oauth/token", { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "sandbox", client_secret: "sandbox-secret" }) })).json()).access_token } })).text();
  await fault({ method: "GET", path_prefix: "/records", times: 1, status: 200, body: `[${bOnly}]` });
  const after = await c.records.getRecordsByIds([a.id, b.id], null, { useCache: false });
  out.getRecordsByIds = { batchCached, batchBypass, after: after.map((r) => r.record_identifier) };

  // getOrCreateRecord, getActivitiesWithRecord, Record.getActivities and the lists.
  await c.records.getOrCreateRecord({ "Compound ID": "CMP-0202" });
  await served();
  await c.records.getOrCreateRecord({ "Compound ID": "CMP-0202" });
  await c.records.getOrCreateRecord({ "Compound ID": "CMP-0202" }, { useCache: false });
  await c.activities.getActivitiesWithRecord(parent.id);
  await c.activities.getActivitiesWithRecord(parent.id);
  await c.activities.getActivitiesWithRecord(parent.id, { useCache: false });
  await parent.getActivities();
  await parent.getActivities({ useCache: false });
  await c.entityFields.getKeyFields();
  await c.entityFields.getKeyFields({ useCache: false });
  await c.entityFields.getDataFields({ refresh: true });
  await c.activities.getActivities({ useCache: false });
  out.reads = await served();

  // clearCaches empties records, misses, record activities and every list; clearRecordCaches leaves the lists.
  await c.records.getRecordById("00000000-0000-4000-8000-00000000dead");
  await c.entityTypes.getTypes();
  await served();
  c.clearCaches();
  await c.records.getRecordById(parent.id);
  await c.records.getRecordById("00000000-0000-4000-8000-00000000dead");
  await c.activities.getActivitiesWithRecord(parent.id);
  await c.entityFields.getKeyFields();
  await c.entityFields.getDataFields();
  await c.activities.getActivities();
  await c.entityTypes.getTypes();
  out.cleared = await served();
  c.records.clearRecordCaches();
  await c.entityFields.getKeyFields();
  await c.activities.getActivities();
  out.recordCachesOnly = await served();

  // The key index finds the identifier value wherever it sits, compared as text.
  const keyField = (await c.entityFields.getKeyFields()).find((f) => f.field_name === "Compound ID");
  const odd = {
    id: "0d0d0d0d-0000-4000-8000-000000000001", identifier_ids: ["0d0d0d0d-0000-4000-8000-0000000000k1"],
    record_values: { [keyField.id]: [
      { id: "0d0d0d0d-0000-4000-8000-0000000000a1", content: "an older value", created_at: "2026-01-01T00:00:00Z", record_id: "0d0d0d0d-0000-4000-8000-000000000001", operation_id: null },
      { id: "0d0d0d0d-0000-4000-8000-0000000000k1", content: 90210, created_at: null, record_id: null, operation_id: null },
    ] },
  };
  await fault({ method: "GET", path_prefix: "/records/identifiers", times: 1, status: 200, body: JSON.stringify([{ record: odd }]) });
  await served();
  const found = await c.records.getRecordById({ "Compound ID": "90210" });
  const again = await c.records.getRecordById({ "Compound ID": 90210 });
  out.keyIndex = { found: found.id, again: again === found, served: await served() };

  // A batch with one record missing created_at (and most members): no decode_error, the member is null.
  const sparseId = "0d0d0d0d-0000-4000-8000-000000000002";
  const full = await (await fetch(url + "/records/" + a.id, { headers: { "X-Kal-Authorization": "Bearer " + (await (await fetch(url + "/auth/oauth/token", { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "sandbox", client_secret: "sandbox-secret" }) })).json()).access_token } })).json();
  await fault({ method: "GET", path_prefix: "/records", times: 1, status: 200, body: JSON.stringify([full, { id: sparseId, record_values: {} }]) });
  const sparse = await c.records.getRecordsByIds([a.id, sparseId], null, { useCache: false });
  const s = sparse.find((r) => r.id === sparseId);
  out.sparse = { count: sparse.length, created_at: s.created_at, record_identifier: s.record_identifier, entity_slice_id: s.entity_slice_id,
    json: s.toJSON(), fullCreated: typeof sparse[0].created_at };

  // Activities carry the three new members; createActivity sends subscriber_ids.
  const plain = await c.activities.createActivity({ title: `0.7 plain ${Date.now()}`, activity_type: "task" });
  const subscribed = await c.activities.createActivity({ title: `0.7 subscribed ${Date.now()}`, activity_type: "task", subscriber_ids: ["user-1"] });
  out.activities = { plain: [plain.subscriber_ids, plain.data_table_draft_record_ids, plain.registration_staging_record_view_id],
    subscribed: subscribed.subscriber_ids, listed: (await c.activities.getActivityById(subscribed.id)).subscriber_ids };

  // client.entityTypes.
  c.clearCaches();
  await served();
  const types = await c.entityTypes.getTypes();
  const compound = types.find((t) => t.id === record.entity_slice_id);
  const byName = await c.entityTypes.getTypeByName(compound.slice_name);
  const withKey = await c.entityTypes.getTypesWithKeyFields([keyField.id]);
  const exact = await c.entityTypes.getTypeExactKeys(compound.key_field_ids);
  const none = await c.entityTypes.getTypeByName("No such type");
  const listServed = await served();
  const ids = await c.entityTypes.getRecordIds(compound);
  const byId = await c.entityTypes.getRecordIds(compound.id);
  const searched = await c.records.searchRecords({ entity_slice_id: compound.id });
  let badIds = null;
  try { await c.entityTypes.getTypesWithKeyFields("not a list"); } catch (e) { badIds = e.code; }
  out.entityTypes = { count: types.length, byName: byName?.id === compound.id, withKey: withKey.map((t) => t.id).includes(compound.id),
    withKeyAll: withKey.every((t) => t.key_field_ids.includes(keyField.id)), exact: exact?.id === compound.id, none, listServed,
    ids: ids.length, same: JSON.stringify(ids) === JSON.stringify(searched) && JSON.stringify(byId) === JSON.stringify(searched),
    includesRecord: ids.includes(record.id), badIds, empty: (await c.entityTypes.getTypesWithKeyFields([])).length };
  return out;
}

const harness = browserHarnessForFile("--seed", "demo");
let out;
before(async () => {
  out = await (await harness).run(exercise);
});

test("addValue resolves the written RecordValue and the record shows it", () => {
  assert.deepEqual(out.addValue, { content: 4.25, operation: true, own: true, shown: 4.25 });
});

test("a subRecordId alone selects that sub-record's values (0.5.0 answered null)", () => {
  const { alone, included, batchOwn, parentOwn } = out.subRecord;
  assert.equal(typeof alone, "number");
  assert.equal(alone, included);
  assert.equal(alone, batchOwn);
  assert.equal(typeof parentOwn, "number");
});

test("getRecordById with useCache: false asks the server anew and refreshes the held handle", () => {
  const r = out.getRecordById;
  assert.deepEqual(r.cachedServed, []);
  assert.equal(r.bypassServed.length, 1);
  assert.match(r.bypassServed[0], /^GET \/records\/[0-9a-f-]+$/);
  assert.notEqual(r.stale, "written by another client");
  assert.equal(r.fresh, "written by another client");
  assert.equal(r.sameHandle, true);
  assert.equal(r.heldShows, "written by another client");
});

test("a bypassing read is not answered by a request already under way", () => {
  assert.equal(out.concurrent.length, 2, JSON.stringify(out.concurrent));
});

test("getRecordsByIds with useCache: false fetches cached records too and drops those the server no longer has", () => {
  const r = out.getRecordsByIds;
  assert.deepEqual(r.batchCached, []);
  assert.deepEqual(r.batchBypass, ["GET /records"]);
  assert.deepEqual(r.after, ["CMP-0203"]);
});

test("useCache: false on getOrCreateRecord, getActivitiesWithRecord, Record.getActivities and the lists", () => {
  const ops = out.reads.filter((p) => p.endsWith("/operations"));
  assert.equal(out.reads.filter((p) => p === "POST /records").length, 1, JSON.stringify(out.reads));
  // Cached once, then two bypasses (the service and the handle); the handle's cached read is served from the cache.
  assert.equal(ops.length, 3, JSON.stringify(out.reads));
  assert.deepEqual(out.reads.filter((p) => !p.endsWith("/operations") && p !== "POST /records"),
    ["GET /key_fields", "GET /data_fields", "GET /activities"]);
});

test("clearCaches empties records, misses, record activities and every list; clearRecordCaches keeps the lists", () => {
  assert.deepEqual(out.cleared.map((p) => p.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "ID")), [
    "GET /records/ID", "GET /records/ID", "GET /records/ID/operations", "GET /key_fields", "GET /data_fields", "GET /activities", "GET /entity_slices",
  ]);
  assert.deepEqual(out.recordCachesOnly, []);
});

test("the key index finds the identifier value at any position, compared as text", () => {
  assert.equal(out.keyIndex.found, "0d0d0d0d-0000-4000-8000-000000000001");
  assert.equal(out.keyIndex.again, true);
  assert.deepEqual(out.keyIndex.served, ["GET /records/identifiers"]);
});

test("a batch with one sparse record decodes; its absent members are null", () => {
  const s = out.sparse;
  assert.equal(s.count, 2);
  assert.deepEqual([s.created_at, s.record_identifier, s.entity_slice_id], [null, null, null]);
  assert.equal(s.json.created_at, null);
  assert.equal(s.fullCreated, "string");
});

test("activities carry subscriber_ids and the registration members; createActivity sends subscriber_ids", () => {
  assert.deepEqual(out.activities.plain, [[], [], null]);
  assert.deepEqual(out.activities.subscribed, ["user-1"]);
  assert.deepEqual(out.activities.listed, ["user-1"]);
});

test("client.entityTypes lists once, looks types up, and lists a type's records", () => {
  const t = out.entityTypes;
  assert.ok(t.count >= 1);
  assert.deepEqual([t.byName, t.withKey, t.withKeyAll, t.exact, t.none, t.empty], [true, true, true, true, null, 0]);
  assert.deepEqual(t.listServed, ["GET /entity_slices"]);
  assert.ok(t.ids > 100 && t.same && t.includesRecord, JSON.stringify(t));
  assert.equal(t.badIds, "invalid_argument");
});
