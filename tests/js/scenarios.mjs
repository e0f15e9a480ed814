// The records client's behaviour, as scenarios that run unchanged in headless
// Chromium (client.test.mjs) and in Node 20. Each scenario receives the package
// module `k` and the sandbox URL, and must not use anything from this file's
// scope: in the browser it is sent as source text.

export const scenarios = {
  async "getRecordById by key values (name and uuid) and by uuid; a cache hit sends nothing"(k, url) {
    const log = async () => (await (await fetch(`${url}/_sandbox/requests`)).json());
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const keyFields = await c.entityFields.getKeyFields();
    const compound = keyFields.find((f) => f.field_name === "Compound ID");
    const byName = await c.records.getRecordById({ "Compound ID": "CMP-0042" });
    const c2 = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const byUuidKey = await c2.records.getRecordById({ [compound.id]: "CMP-0042" });
    const before = (await log()).filter((e) => e.path === `/records/${byName.id}`).length;
    const byId = await c.records.getRecordById(byName.id);
    const again = await c.records.getRecordById(byName);
    const after = (await log()).filter((e) => e.path === `/records/${byName.id}`).length;
    return { same: byName.id === byUuidKey.id && byId.id === byName.id && again.id === byName.id, identifier: byId.record_identifier, requestsForCachedGet: after - before, stats: c.cacheStats().hits > 0 };
  },

  async "one handle per record: asking again answers the same object, refreshed by writes elsewhere; free() then a new one"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await c.entityFields.getDataFields();
    const first = await c.records.getRecordById({ "Compound ID": "CMP-0043" });
    const again = await c.records.getRecordById(first.id);
    const [inBulk] = await c.records.getRecordsByIds([first.id]);
    const servicesStable = c.records === c.records && c.entityFields === c.entityFields && c.activities === c.activities;
    // A second client has its own handles; its write reaches this client's handle on its next read.
    const other = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await other.entityFields.getDataFields();
    const note = `handle ${Math.random().toString(36).slice(2)}`;
    await (await other.records.getRecordById(first.id)).updateField("Notes", note);
    c.records.clearRecordCaches();
    const reloaded = await c.records.getRecordById(first.id);
    const refreshedInPlace = reloaded === first && first.getValueContent("Notes") === note;
    const id = first.id;
    first.free();
    const fresh = await c.records.getRecordById(id);
    return {
      same: first === again && again === inBulk,
      servicesStable,
      otherClientOwnHandle: (await other.records.getRecordById(id)) !== fresh,
      refreshedInPlace,
      newAfterFree: fresh !== first && fresh.record_identifier === "CMP-0043" && fresh.getValueContent("Notes") === note,
    };
  },

  async "a 404 answers null and is remembered until clearRecordCaches"(k, url) {
    const missing = "00000000-0000-4000-8000-00000000abcd";
    const count = async () => (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path === `/records/${missing}`).length;
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const start = await count();
    const first = await c.records.getRecordById(missing);
    const second = await c.records.getRecordById(missing);
    const remembered = (await count()) - start;
    c.records.clearRecordCaches();
    await c.records.getRecordById(missing);
    return { first, second, remembered, afterClear: (await count()) - start };
  },

  async "getRecordsByIds keeps order and duplicates, drops unknown ids, fetches in batches of 250"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const ids = await c.records.searchRecords({ limit: 600 });
    await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
    const unknown = "00000000-0000-4000-8000-00000000beef";
    const asked = [ids[5], unknown, ...ids, ids[5]];
    const got = await c.records.getRecordsByIds(asked);
    const batches = (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path === "/records").length;
    const expected = [ids[5], ...ids, ids[5]];
    const again = await c.records.getRecordsByIds(ids.slice(0, 10), 5);
    const batchesAfter = (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path === "/records").length;
    const progress = [];
    const fresh = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", concurrency: 2 });
    await fresh.records.getRecordsByIds(ids, 250, { onProgress: (done, total) => progress.push([done, total]) });
    return { inOrder: JSON.stringify(got.map((r) => r.id)) === JSON.stringify(expected), count: got.length, batches, cachedBatches: batchesAfter - batches, again: again.length, progress };
  },

  async "getRecordsByIds' onProgress can receive each batch's records as it lands"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", concurrency: 2 });
    const ids = await c.records.searchRecords({ limit: 120 });
    const cached = await c.records.getRecordById(ids[7]);
    const batches = [];
    const got = await c.records.getRecordsByIds(ids, 50, { onProgress: (done, total, records) => batches.push({ done, total, records }) });
    const landed = batches.flatMap((b) => b.records);
    return {
      sizes: batches.map((b) => b.records.length).sort((a, b) => a - b),
      everyRecordOnce: landed.length === ids.length && new Set(landed.map((r) => r.id)).size === ids.length,
      sameHandles: landed.every((r) => got.includes(r)) && landed.includes(cached),
      handles: landed.every((r) => r instanceof k.Record),
      total: batches.every((b) => b.total === ids.length),
    };
  },

  async "getOrCreateRecord creates once, then finds the same record"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const log = async () => (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => !e.path.startsWith("/auth"));
    const name = `NEW-${Math.random().toString(36).slice(2)}`;
    await c.entityFields.getKeyFields();
    await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
    const made = await c.records.getOrCreateRecord({ "Compound ID": name });
    const afterMade = (await log()).length;
    const cached = await c.records.getOrCreateRecord({ "Compound ID": name });
    const cachedRequests = (await log()).length - afterMade;
    c.records.clearRecordCaches();
    const found = await c.records.getOrCreateRecord({ "Compound ID": name });
    const posts = (await log()).filter((e) => e.method === "POST" && e.path === "/records").length;
    const fresh = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const onServer = (await fresh.records.searchRecords({ search_text: name })).length;
    return { identifier: made.record_identifier, same: made.id === cached.id && made.id === found.id, cachedRequests, posts, onServer };
  },

  async "searchRecords with FilterRuleType and sorts, and queryCached answers the same"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const f = Object.fromEntries((await c.entityFields.getDataFields()).map((x) => [x.field_name, x.id]));
    const query = {
      entity_field_filters: [
        { field_id: f["IC50"], filter_type: k.FilterRuleType.IS_LESS_THAN_EQUAL, filter_prop: 500 },
        { field_id: f["Targets"], filter_type: "value_has_overlap_with_props", filter_prop: ["EGFR", "KRAS"] },
      ],
      entity_field_sorts: [{ field_id: f["IC50"], descending: true }],
      limit: 25,
    };
    const ids = await c.records.searchRecords(query);
    await c.records.getRecordsByIds(await c.records.searchRecords({}));
    const local = c.records.queryCached(query);
    const records = await c.records.getRecordsByIds(ids);
    const values = records.map((r) => r.getValueContent("IC50"));
    return { n: ids.length, same: JSON.stringify(local) === JSON.stringify(ids), sorted: values.every((v, i) => i === 0 || values[i - 1] >= v), bounded: values.every((v) => v <= 500) };
  },

  async "field names in filters and sorts answer as uuids do, from the server and from queryCached; an unknown field in queryCached is not_found"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const data = Object.fromEntries((await c.entityFields.getDataFields()).map((x) => [x.field_name, x.id]));
    const keys = Object.fromEntries((await c.entityFields.getKeyFields()).map((x) => [x.field_name, x.id]));
    const query = (ic50, targets, compound) => ({
      entity_field_filters: [
        { field_id: ic50, filter_type: k.FilterRuleType.IS_LESS_THAN_EQUAL, filter_prop: 800 },
        { field_id: targets, filter_type: "value_has_overlap_with_props", filter_prop: ["EGFR", "KRAS"] },
      ],
      entity_field_sorts: [{ field_id: ic50, descending: true }, { field_id: compound }],
      limit: 40,
    });
    const byId = query(data["IC50"], data["Targets"], keys["Compound ID"]);
    const byName = query("IC50", "Targets", "Compound ID");
    const fresh = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const serverById = await c.records.searchRecords(byId);
    // A client that has not loaded the field lists yet loads them for the names.
    const serverByName = await fresh.records.searchRecords(byName);
    await c.records.getRecordsByIds(await c.records.searchRecords({}));
    const localById = c.records.queryCached(byId);
    const localByName = c.records.queryCached(byName);
    const code = (f) => {
      try {
        f();
        return "no error";
      } catch (e) {
        return `${e instanceof k.KalbioError ? "KalbioError" : e.name} ${e.code}${/Colour|0000abcd/.test(e.message) ? " named" : ""}`;
      }
    };
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    return {
      found: serverById.length > 1,
      serverSame: same(serverById, serverByName),
      localSame: same(localById, localByName),
      localIsServer: same(localByName, serverByName),
      unknownName: code(() => c.records.queryCached({ entity_field_filters: [{ field_id: "Colour", filter_type: "is_set" }] })),
      unknownSort: code(() => c.records.queryCached({ entity_field_sorts: [{ field_id: "Colour" }] })),
      unknownUuid: code(() => c.records.queryCached({ entity_field_filters: [{ field_id: "00000000-0000-4000-8000-00000000abcd", filter_type: "is_set" }] })),
    };
  },

  async "a handle used after free() throws a KalbioError freed; String() shows the identifier and id"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await c.entityFields.getDataFields();
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0044" });
    const id = record.id;
    const shown = String(record);
    const inspected = record[Symbol.for("nodejs.util.inspect.custom")]();
    record.free();
    const uses = {
      id: () => record.id,
      record_identifier: () => record.record_identifier,
      getValueContent: () => record.getValueContent("Notes"),
      toJSON: () => record.toJSON(),
      updateField: () => record.updateField("Notes", "after free"),
      getValues: () => record.getValues(),
    };
    const tries = {};
    for (const [name, use] of Object.entries(uses)) {
      try {
        await use();
        tries[name] = "no error";
      } catch (e) {
        tries[name] = `${e instanceof k.KalbioError ? "KalbioError" : e.name} ${e.code}`;
      }
    }
    const again = await c.records.getRecordById(id);
    return {
      shown: shown === `Record CMP-0044 (${id})`,
      inspected: inspected === shown,
      freedShown: String(record),
      tries,
      again: again !== record && again.record_identifier === "CMP-0044",
    };
  },

  async "unknown and conflicting client options are invalid_argument errors naming them"(k, url) {
    const make = (options) => {
      try {
        new k.KaleidoscopeClient(options);
        return "no error";
      } catch (e) {
        return { code: e.code, message: e.message };
      }
    };
    const tokenProvider = async () => ({ access_token: "t", expires_in: 60 });
    const misspelt = make({ url, clientId: "sandbox", clientSecret: "sandbox-secret", timeOutMs: 100 });
    const nested = make({ url, clientId: "sandbox", clientSecret: "sandbox-secret", cache: { maxRecord: 5 } });
    const both = make({ url, clientId: "sandbox", clientSecret: "sandbox-secret", tokenProvider });
    return {
      misspelt: misspelt.code === "invalid_argument" && misspelt.message.includes("options.timeOutMs") && misspelt.message.includes("timeoutMs"),
      nested: nested.code === "invalid_argument" && nested.message.includes("options.cache.maxRecord"),
      both: both.code === "invalid_argument" && /tokenProvider/.test(both.message) && /clientSecret/.test(both.message),
      fine: make({ url, tokenProvider, timeoutMs: 100, cache: { maxRecords: 5 } }),
    };
  },

  async "onRequest and onRetry see each attempt of a retried read, never a token; a failed call counts its attempts"(k, url) {
    const events = [];
    const retries = [];
    const c = new k.KaleidoscopeClient({
      url, clientId: "sandbox", clientSecret: "sandbox-secret", retryBaseMs: 10, retryMaxMs: 50,
      onRequest: (e) => events.push(e), onRetry: (e) => retries.push(e),
    });
    await c.entityFields.getDataFields();
    const record = await c.records.getOrCreateRecord({ "Compound ID": `HOOK-${Math.random().toString(36).slice(2)}` });
    const path = `/records/${record.id}/values`;
    const fault = (times) => fetch(`${url}/_sandbox/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ method: "GET", path_prefix: path, times, status: 503 }) });
    await fault(2);
    events.length = 0;
    retries.length = 0;
    await record.getValues();
    const read = events.filter((e) => e.path === path).map((e) => [e.method, e.attempt, e.status, e.error]);
    const waits = retries.filter((e) => e.path === path).map((e) => [e.attempt, e.status, typeof e.waitMs === "number" && e.waitMs >= 0]);
    await fault(3);
    let failed = null;
    try {
      await record.getValues();
    } catch (e) {
      failed = [e.code, e.status, e.attempts];
    }
    await fetch(`${url}/_sandbox/faults`, { method: "DELETE" });
    const all = [...events, ...retries];
    return {
      read,
      waits,
      failed,
      keys: [...new Set(events.map((e) => Object.keys(e).sort().join(",")))],
      retryKeys: [...new Set(retries.map((e) => Object.keys(e).sort().join(",")))],
      durations: events.every((e) => typeof e.durationMs === "number" && e.durationMs >= 0),
      noSecret: !/Bearer|sandbox-secret|access_token/.test(JSON.stringify(all)),
    };
  },

  async "getValueContent with an activity, a sub-record, includeSubRecordValues, and undated values"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await c.entityFields.getDataFields();
    await c.entityFields.getKeyFields();
    const activities = await c.activities.getActivities();
    const parent = await c.records.getRecordById({ "Compound ID": "CMP-0025" });
    const batch = await c.records.getRecordById(parent.sub_record_ids[1]);
    const experiment = (await parent.getActivities()).find((a) => a.activity_type === "experiment");
    const ic50 = parent.record_values;
    const fieldIds = Object.keys(ic50);
    const undatedOnly = await c.records.getRecordById({ "Compound ID": "CMP-0009" });
    const undatedAndDated = await c.records.getRecordById({ "Compound ID": "CMP-0008" });
    return {
      subRecord: parent.getValueContent("IC50", null, true, batch.id) === batch.getValueContent("IC50"),
      // A sub-record alone selects its values (kalbio 0.7.0; 0.5.0 answered null).
      subRecordWithoutInclude: parent.getValueContent("IC50", null, false, batch.id) === batch.getValueContent("IC50"),
      activityByTitle: parent.getValueContent("IC50", experiment.title) === parent.getValueContent("IC50", experiment.id),
      activityKeepsKeyValues: parent.getValueContent("Compound ID", experiment.id),
      otherActivity: parent.getValueContent("IC50", activities.find((a) => a.id !== experiment.id).id),
      undatedOnly: undatedOnly.getValueContent("Notes"),
      datedWins: undatedAndDated.getValueContent("Notes"),
      fields: fieldIds.length > 5,
    };
  },

  async "getActivityData and the activity helpers"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await c.entityFields.getDataFields();
    const title = `Run ${Math.random().toString(36).slice(2)}`;
    const run = await c.activities.createActivity({ title, activity_type: "experiment" });
    const byTitle = await c.activities.getActivityById(title);
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0300" });
    await record.updateField("IC50", 12.5, run);
    await record.updateField("Notes", "outside the run");
    const data = record.getActivityData(title);
    const f = Object.fromEntries((await c.entityFields.getDataFields()).map((x) => [x.field_name, x.id]));
    const withRecord = await c.activities.getActivitiesWithRecord(record.id);
    const key = await c.entityFields.getOrCreateKeyField("Plate ID");
    const keyAgain = await c.entityFields.getOrCreateKeyField("Plate ID");
    const field = await c.entityFields.getOrCreateDataField("Yield", "number");
    return {
      made: run.title === title && byTitle.id === run.id,
      data: data[f["IC50"]],
      notesLeftOut: !(f["Notes"] in data),
      keyValueIn: Object.values(data).includes("CMP-0300"),
      inRun: withRecord.some((a) => a.id === run.id),
      fields: key.id === keyAgain.id && key.is_key && field.field_type === "number",
    };
  },

  async "a write refetches: the handle shows the new value and getValues the history"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await c.entityFields.getDataFields();
    const record = await c.records.getOrCreateRecord({ "Compound ID": `W-${Math.random().toString(36).slice(2)}` });
    const gets = async () => (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.method === "GET" && e.path === `/records/${record.id}`).length;
    const before = await gets();
    const notesId = (await c.entityFields.getDataFields()).find((f) => f.field_name === "Notes").id;
    const noted = (text) => c.records.queryCached({ entity_field_filters: [{ field_id: notesId, filter_type: "is_equal", filter_prop: text }] }).includes(record.id);
    const added = await record.addValue("Notes", "first note");
    const queryAfterFirst = noted("first note");
    const value = await record.updateField("Notes", "second note");
    const queryAfterSecond = !noted("first note") && noted("second note");
    const refetches = (await gets()) - before;
    const history = (await record.getValues()).filter((v) => v.content === "first note" || v.content === "second note").length;
    const fresh = await c.records.getRecordById(record.id);
    await record.refetch();
    const j = record.toJSON();
    const getters = [
      record.id === j.id, record.created_at === j.created_at, record.entity_slice_id === j.entity_slice_id,
      JSON.stringify(record.identifier_ids) === JSON.stringify(j.identifier_ids), record.identifier_ids.length === 1,
      record.record_identifier === j.record_identifier, JSON.stringify(record.record_values) === JSON.stringify(j.record_values),
      record.initial_operation_id === j.initial_operation_id, JSON.stringify(record.sub_record_ids) === JSON.stringify(j.sub_record_ids),
      !Number.isNaN(Date.parse(record.created_at)),
    ];
    return { queryCachedFollows: queryAfterFirst && queryAfterSecond, addedIsTheValue: added.content === "first note" && added.record_id === record.id, content: value.content, shown: record.getValueContent("Notes"), cacheShows: fresh.getValueContent("Notes"), refetches, history, json: j.record_identifier === record.record_identifier, getters: getters.every(Boolean) };
  },

  async "files: upload a Uint8Array or a Blob, download the same bytes"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0500" });
    const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 10, 13]);
    const v1 = await record.updateFieldFile("Plate map", "raw.bin", bytes, "application/octet-stream", "Solubility screen");
    const back1 = await c.downloadFile(v1.content.file_id);
    const blob = new Blob(["well,signal\nA1,5\n"], { type: "text/csv" });
    const v2 = await c.records.createRecordValueFile(record.id, "Plate map", "plate.csv", blob, "text/csv");
    const back2 = await c.downloadFile(v2.content.file_id, "Solubility screen");
    const missing = await c.downloadFile("00000000-0000-4000-8000-000000000000");
    return {
      same1: Array.from(back1).join() === Array.from(bytes).join(),
      same2: new TextDecoder().decode(back2) === "well,signal\nA1,5\n",
      meta: [v1.content.file_name, v1.content.size, v2.content.mime_type],
      inActivity: v1.operation_id !== null,
      missing,
      shown: record.getValueContent("Plate map").file_id === v1.content.file_id,
    };
  },

  async "errors are KalbioErrors with status, method, path, body and requestId"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const out = {};
    try {
      await c.records.searchRecords({ entity_field_filters: [{ field_id: "nope", filter_type: "is_set" }] });
    } catch (e) {
      out.http = { kalbio: e instanceof k.KalbioError, isError: e instanceof Error, name: e.name, code: e.code, status: e.status, method: e.method, path: e.path, body: JSON.parse(e.body).code, requestId: typeof e.requestId === "string" && e.requestId.startsWith("req-") };
    }
    try {
      await c.records.getRecordsByIds("CMP-0001");
    } catch (e) {
      out.invalid = { code: e.code, status: e.status };
    }
    await c.entityFields.getDataFields();
    await c.entityFields.getKeyFields();
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0001" });
    try {
      record.getValueContent("Colour");
    } catch (e) {
      out.unknownField = e.code;
    }
    try {
      await record.updateField("IC50", "not a number");
    } catch (e) {
      out.failedWrite = { code: e.code, status: e.status, method: e.method };
    }
    try {
      await c.records.searchRecords({ entity_field_filters: [{ field_id: "x", filter_type: "is_equals" }] });
    } catch (e) {
      out.badRule = { code: e.code, status: e.status };
    }
    try {
      new k.KaleidoscopeClient({ url });
    } catch (e) {
      out.noCredentials = e.code;
    }
    return out;
  },

  async "secrets never appear in errors or toJSON; a wrong secret is an auth_error"(k, url) {
    const secret = "s3cret-that-must-not-leak";
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: secret });
    let text = "";
    let code = null;
    try {
      await c.records.getRecordById({ "Compound ID": "CMP-0001" });
    } catch (e) {
      code = e.code;
      text = [e.message, e.body, e.stack, JSON.stringify(e)].join(" ");
    }
    const good = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const record = await good.records.getRecordById({ "Compound ID": "CMP-0001" });
    const json = JSON.stringify(record.toJSON()) + JSON.stringify(record);
    return { code, leaked: text.includes(secret), jsonLeaks: json.includes("sandbox-secret") };
  },

  async "tokenProvider: no secret in the page, called again after a 401 and the request retried once"(k, url) {
    let calls = 0;
    const tokenProvider = async () => {
      calls += 1;
      if (calls === 1) return { access_token: "not-a-valid-token", expires_in: 3600 };
      const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "sandbox", client_secret: "sandbox-secret" });
      const res = await fetch(`${url}/auth/oauth/token`, { method: "POST", body: form });
      return res.json();
    };
    const c = new k.KaleidoscopeClient({ url, tokenProvider });
    const record = await c.records.getRecordById({ "Compound ID": "CMP-0011" });
    const broken = new k.KaleidoscopeClient({ url, tokenProvider: async () => ({ nope: 1 }) });
    let brokenCode = null;
    try {
      await broken.records.getRecordById("00000000-0000-4000-8000-000000000000");
    } catch (e) {
      brokenCode = e.code;
    }
    return { identifier: record.record_identifier, calls, brokenCode };
  },

  async "reads retry after 503s; a write is retried only when not processed, and says when its outcome is unknown"(k, url) {
    const faults = (spec) => fetch(`${url}/_sandbox/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", retryBaseMs: 20 });
    await c.entityFields.getDataFields();
    const record = await c.records.getOrCreateRecord({ "Compound ID": `R-${Math.random().toString(36).slice(2)}` });
    await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
    await faults({ method: "GET", path_prefix: `/records/${record.id}/values`, times: 2, status: 503 });
    const values = await record.getValues();
    const gets = (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path === `/records/${record.id}/values`).length;
    await faults({ method: "POST", path_prefix: `/records/${record.id}/values`, times: 1, status: 429, retry_after_s: 0 });
    await record.updateField("Notes", "after a 429");
    await faults({ method: "POST", path_prefix: `/records/${record.id}/values`, times: 1, status: 500 });
    let unknown = null;
    try {
      await record.updateField("Notes", "after a 500");
    } catch (e) {
      unknown = { code: e.code, status: e.status };
    }
    const history = (await record.getValues()).map((v) => v.content);
    const posts = (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.method === "POST" && e.path === `/records/${record.id}/values`).length;
    return { values: values.length, gets, unknown, history: history.filter((c) => typeof c === "string" && c.startsWith("after")), posts, shown: record.getValueContent("Notes") };
  },

  async "one request per question, and a bounded cache that drops the least recently used"(k, url) {
    const log = async () => (await (await fetch(`${url}/_sandbox/requests`)).json());
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", cache: { maxRecords: 100 } });
    const ids = await c.records.searchRecords({ limit: 1000 });
    const one = ids[500];
    await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
    const same = await Promise.all(Array.from({ length: 100 }, () => c.records.getRecordById(one)));
    const singleGets = (await log()).filter((e) => e.path === `/records/${one}`).length;
    const big = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
    const [a, b] = await Promise.all([big.records.getRecordsByIds(ids), big.records.getRecordsByIds(ids)]);
    const batchGets = (await log()).filter((e) => e.path === "/records").length;
    await c.records.getRecordsByIds(ids.slice(0, 500));
    const stats = c.cacheStats();
    return { same: same.every((r) => r.id === one), singleGets, loaded: [a.length, b.length], batchGets, held: stats.records, evictions: stats.evictions };
  },

  async "getRecordsByIds runs concurrency batches at a time, as the sandbox sees them"(k, url) {
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", concurrency: 3 });
    const ids = await c.records.searchRecords({ limit: 60 });
    await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
    await fetch(`${url}/_sandbox/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ method: "GET", path_prefix: "/records", times: 6, delay_ms: 400 }) });
    const got = await c.records.getRecordsByIds(ids, 10);
    await fetch(`${url}/_sandbox/faults`, { method: "DELETE" });
    const spans = (await (await fetch(`${url}/_sandbox/requests`)).json())
      .filter((e) => e.path === "/records")
      .map((e) => [Date.parse(e.time), Date.parse(e.time) + e.duration_ms]);
    // The most requests the sandbox was answering at one moment.
    const inFlight = Math.max(...spans.map(([start]) => spans.filter(([s, end]) => s <= start && start < end).length));
    return { loaded: got.length, batches: spans.length, inFlight };
  },

  async "the cache drops the least recently used record, whichever path read it last"(k, url) {
    const log = async () => (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path.startsWith("/records"));
    const other = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const ids = await other.records.searchRecords({ limit: 4 });
    const [a, b, c, d] = ids;
    // a's key value, read through another client: reading a's handle below would mark it used.
    const name = (await other.records.getRecordById(a)).record_identifier;
    // Fills a cache of 3 with a, b, c (a least recently used), reads a through
    // `read`, loads d, then answers which of a and b are still held (asked b first:
    // asking for an evicted a would fetch it and evict b).
    const afterReading = async (read) => {
      const client = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret", cache: { maxRecords: 3 }, concurrency: 1 });
      await client.entityFields.getKeyFields();
      await client.entityFields.getDataFields();
      const [ra] = await client.records.getRecordsByIds([a, b, c], 1);
      await read(client, ra, name);
      await client.records.getRecordsByIds([d]);
      await fetch(`${url}/_sandbox/requests`, { method: "DELETE" });
      const held = {};
      for (const [label, id] of [["b", b], ["a", a]]) {
        const before = (await log()).length;
        await client.records.getRecordById(id);
        held[label] = (await log()).length === before;
      }
      return `${held.a ? "a" : "-"}${held.b ? "b" : "-"}`;
    };
    return {
      "no read": await afterReading(async () => {}),
      "getRecordById(uuid)": await afterReading((cl) => cl.records.getRecordById(a)),
      "getRecordById(key values)": await afterReading((cl, r, name) => cl.records.getRecordById({ "Compound ID": name })),
      getRecordsByIds: await afterReading((cl) => cl.records.getRecordsByIds([a])),
      getOrCreateRecord: await afterReading((cl, r, name) => cl.records.getOrCreateRecord({ "Compound ID": name })),
      "record.getValueContent": await afterReading((cl, r) => { r.getValueContent("IC50"); }),
      "record.toJSON": await afterReading((cl, r) => { r.toJSON(); }),
    };
  },

  async "an AbortSignal cancels a call during a backoff wait or a slow request, and no further request is sent"(k, url) {
    const faults = (spec) => fetch(`${url}/_sandbox/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) });
    const count = async (path) => (await (await fetch(`${url}/_sandbox/requests`)).json()).filter((e) => e.path === path).length;
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const c = new k.KaleidoscopeClient({ url, clientId: "sandbox", clientSecret: "sandbox-secret" });
    const record = await c.records.getOrCreateRecord({ "Compound ID": `A-${Math.random().toString(36).slice(2)}` });
    const path = `/records/${record.id}/values`;
    await faults({ method: "GET", path_prefix: path, times: 3, status: 503, retry_after_s: 1 });
    const during = new AbortController();
    const call = record.getValues({ signal: during.signal }).then(() => null, (e) => ({ code: e.code, at: performance.now() }));
    await sleep(300);
    const abortedAt = performance.now();
    during.abort();
    const backoff = await call;
    await sleep(1200);
    const requestsAfterBackoff = await count(path);
    await fetch(`${url}/_sandbox/faults`, { method: "DELETE" });
    await faults({ method: "GET", path_prefix: path, times: 1, delay_ms: 2000 });
    const slow = new AbortController();
    const t0 = performance.now();
    const slowCall = record.getValues({ signal: slow.signal }).then(() => null, (e) => e.code);
    setTimeout(() => slow.abort(), 100);
    const slowCode = await slowCall;
    const slowMs = performance.now() - t0;
    await fetch(`${url}/_sandbox/faults`, { method: "DELETE" });
    const before = await count(path);
    const early = new AbortController();
    early.abort();
    const earlyCode = await record.getValues({ signal: early.signal }).then(() => null, (e) => e.code);
    const badCode = await record.getValues({ signal: "soon" }).then(() => null, (e) => e.code);
    const sent = (await count(path)) - before;
    const fine = await record.getValues({ signal: new AbortController().signal });
    return {
      backoffCode: backoff.code,
      rejectedWithin50ms: backoff.at - abortedAt < 50,
      requestsAfterBackoff,
      slowCode,
      slowRejectedEarly: slowMs < 1000,
      earlyCode,
      badCode,
      sent,
      fine: fine.length,
    };
  },
};
