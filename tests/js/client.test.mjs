// Issue tests of the records client: every scenario in each browser engine
// (Chromium, Firefox ESR, WebKitGTK) against one sandbox, and the same scenarios
// in Node 20 (global fetch).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { inspect } from "node:util";
import { ROOT, ENGINES, engineHarnessesForFile } from "./helpers.mjs";
import { scenarios } from "./scenarios.mjs";

const expectations = {
  "getRecordById by key values (name and uuid) and by uuid; a cache hit sends nothing": { same: true, identifier: "CMP-0042", requestsForCachedGet: 0, stats: true },
  "one handle per record: asking again answers the same object, refreshed by writes elsewhere; free() then a new one": { same: true, servicesStable: true, otherClientOwnHandle: true, refreshedInPlace: true, newAfterFree: true },
  "a 404 answers null and is remembered until clearRecordCaches": { first: null, second: null, remembered: 1, afterClear: 2 },
  "getRecordsByIds keeps order and duplicates, drops unknown ids, fetches in batches of 250": (r) => {
    // Two batches run at once, so the 100-record batch may finish before the second 250-record one:
    // onProgress is called once per batch with a growing count, whatever order the batches finish in.
    const steps = r.progress.map(([done], i) => done - (i === 0 ? 0 : r.progress[i - 1][0]));
    assert.deepEqual([...steps].sort((a, b) => a - b), [100, 250, 250]);
    assert.ok(r.progress.every(([, total]) => total === 600));
    assert.deepEqual({ ...r, progress: null }, { inOrder: true, count: 602, batches: 3, cachedBatches: 0, again: 10, progress: null });
  },
  "getRecordsByIds' onProgress can receive each batch's records as it lands": { sizes: [20, 50, 50], everyRecordOnce: true, sameHandles: true, handles: true, total: true },
  "getOrCreateRecord creates once, then finds the same record": (r) => { assert.match(r.identifier, /^NEW-/); assert.deepEqual({ ...r, identifier: null }, { identifier: null, same: true, cachedRequests: 0, posts: 2, onServer: 1 }); },
  "searchRecords with FilterRuleType and sorts, and queryCached answers the same": (r) => { assert.ok(r.n > 0 && r.n <= 25); assert.deepEqual({ ...r, n: 0 }, { n: 0, same: true, sorted: true, bounded: true }); },
  "field names in filters and sorts answer as uuids do, from the server and from queryCached; an unknown field in queryCached is not_found": {
    found: true, serverSame: true, localSame: true, localIsServer: true,
    unknownName: "KalbioError not_found named", unknownSort: "KalbioError not_found named", unknownUuid: "KalbioError not_found named",
  },
  "a handle used after free() throws a KalbioError freed; String() shows the identifier and id": {
    shown: true, inspected: true, freedShown: "Record (freed)", again: true,
    tries: Object.fromEntries(["id", "record_identifier", "getValueContent", "toJSON", "updateField", "getValues"].map((m) => [m, "KalbioError freed"])),
  },
  "unknown and conflicting client options are invalid_argument errors naming them": { misspelt: true, nested: true, both: true, fine: "no error" },
  "onRequest and onRetry see each attempt of a retried read, never a token; a failed call counts its attempts": {
    read: [["GET", 1, 503, null], ["GET", 2, 503, null], ["GET", 3, 200, null]],
    waits: [[1, 503, true], [2, 503, true]],
    failed: ["http_error", 503, 3],
    keys: ["attempt,durationMs,error,method,path,status"],
    retryKeys: ["attempt,durationMs,error,method,path,status,waitMs"],
    durations: true,
    noSecret: true,
  },
  "getValueContent with an activity, a sub-record, includeSubRecordValues, and undated values": {
    subRecord: true, subRecordWithoutInclude: true, activityByTitle: true, activityKeepsKeyValues: "CMP-0025", otherActivity: null,
    undatedOnly: "Legacy import, no date", datedWins: "Re-tested in 2026", fields: true,
  },
  "getActivityData and the activity helpers": { made: true, data: 12.5, notesLeftOut: true, keyValueIn: true, inRun: true, fields: true },
  "a write refetches: the handle shows the new value and getValues the history": { queryCachedFollows: true, addedIsTheValue: true, content: "second note", shown: "second note", cacheShows: "second note", refetches: 2, history: 2, json: true, getters: true },
  "files: upload a Uint8Array or a Blob, download the same bytes": { same1: true, same2: true, meta: ["raw.bin", 8, "text/csv"], inActivity: true, missing: null, shown: true },
  "errors are KalbioErrors with status, method, path, body and requestId": {
    http: { kalbio: true, isError: true, name: "KalbioError", code: "http_error", status: 400, method: "GET", path: "/records/search", body: "unknown_field", requestId: true },
    invalid: { code: "invalid_argument", status: null },
    unknownField: "not_found",
    failedWrite: { code: "http_error", status: 400, method: "POST" },
    badRule: { code: "invalid_argument", status: null },
    noCredentials: "invalid_argument",
  },
  "secrets never appear in errors or toJSON; a wrong secret is an auth_error": { code: "auth_error", leaked: false, jsonLeaks: false },
  "tokenProvider: no secret in the page, called again after a 401 and the request retried once": { identifier: "CMP-0011", calls: 2, brokenCode: "auth_error" },
  "an AbortSignal cancels a call during a backoff wait or a slow request, and no further request is sent": {
    backoffCode: "aborted", rejectedWithin50ms: true, requestsAfterBackoff: 1, slowCode: "aborted", slowRejectedEarly: true,
    earlyCode: "aborted", badCode: "invalid_argument", sent: 0, fine: 1,
  },
  "one request per question, and a bounded cache that drops the least recently used": { same: true, singleGets: 1, loaded: [1000, 1000], batchGets: 4, held: 100, evictions: 401 },
  "getRecordsByIds runs concurrency batches at a time, as the sandbox sees them": { loaded: 60, batches: 6, inFlight: 3 },
  "the cache drops the least recently used record, whichever path read it last": {
    "no read": "-b", "getRecordById(uuid)": "a-", "getRecordById(key values)": "a-", getRecordsByIds: "a-", getOrCreateRecord: "a-", "record.getValueContent": "a-", "record.toJSON": "a-",
  },
  "reads retry after 503s; a write is retried only when not processed, and says when its outcome is unknown": {
    values: 1, gets: 3, unknown: { code: "write_outcome_unknown", status: 500 }, history: ["after a 429"], posts: 3, shown: "after a 429",
  },
};

function check(name, result) {
  const expected = expectations[name];
  assert.ok(expected, `no expectation for ${name}`);
  if (typeof expected === "function") expected(result);
  else assert.deepEqual(result, expected);
}

const { sandbox, harness } = engineHarnessesForFile("--seed", "demo");

for (const engine of ENGINES) {
  for (const [name, scenario] of Object.entries(scenarios)) {
    test(`${engine}: ${name}`, async () => {
      check(name, await (await harness(engine)).run(scenario));
    });
  }
}

for (const [name, scenario] of Object.entries(scenarios)) {
  test(`node: ${name}`, async () => {
    const k = await import(join(ROOT, "pkg/node.js"));
    await k.default();
    check(name, await scenario(k, (await sandbox).url));
  });
}

test("node: util.inspect and console.log show a handle's identifier and id, not its pointer", async () => {
  const k = await import(join(ROOT, "pkg/node.js"));
  const c = new k.KaleidoscopeClient({ url: (await sandbox).url, clientId: "sandbox", clientSecret: "sandbox-secret" });
  const record = await c.records.getRecordById({ "Compound ID": "CMP-0045" });
  assert.equal(inspect(record), `Record CMP-0045 (${record.id})`);
  assert.equal(inspect({ row: record }), `{ row: Record CMP-0045 (${record.id}) }`);
  assert.doesNotMatch(inspect(record), /__wbg_ptr/);
});
