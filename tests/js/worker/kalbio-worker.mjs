// A module Web Worker that uses the package as the npm README shows: no `window`,
// no `document`. It reads, writes and queries against the sandbox whose URL the
// page sends, and posts back plain data (records stay in the worker's wasm memory).
import init, { KaleidoscopeClient, FilterRuleType, KalbioError } from "/pkg/index.js";

async function run(url) {
  await init();
  const options = { url, clientId: "sandbox", clientSecret: "sandbox-secret", timeoutMs: 10000 };
  const client = new KaleidoscopeClient(options);
  const fields = Object.fromEntries((await client.entityFields.getDataFields()).map((f) => [f.field_name, f.id]));

  // Read.
  const record = await client.records.getRecordById({ "Compound ID": "CMP-0042" });

  // Write, then read it back through a second client that has nothing cached.
  const note = `written in a worker ${Math.random().toString(36).slice(2)}`;
  const written = await record.updateField("Notes", note);
  const other = new KaleidoscopeClient(options);
  await other.entityFields.getDataFields();
  const reread = await other.records.getRecordById(record.id);

  // Query: the server's search and the same query over the cache.
  const query = { entity_field_filters: [{ field_id: fields["Notes"], filter_type: FilterRuleType.IS_EQUAL, filter_prop: note }] };
  const searched = await client.records.searchRecords(query);
  const cached = client.records.queryCached(query);

  // Failures and cancellation work the same off the main thread.
  let invalid = null;
  try { await client.records.getRecordsByIds("not an array"); } catch (e) { invalid = { kalbio: e instanceof KalbioError, code: e.code }; }
  const controller = new AbortController();
  const pending = client.records.searchRecords({}, { signal: controller.signal });
  controller.abort();
  let aborted = null;
  try { await pending; } catch (e) { aborted = e.code; }

  return {
    scope: {
      window: typeof window,
      document: typeof document,
      worker: typeof WorkerGlobalScope !== "undefined" && self instanceof WorkerGlobalScope,
    },
    identifier: record.record_identifier,
    written: written.content === note,
    shown: record.getValueContent("Notes") === note,
    reread: reread.getValueContent("Notes") === note,
    searched: searched.length === 1 && searched[0] === record.id,
    cached: JSON.stringify(cached) === JSON.stringify(searched),
    invalid,
    aborted,
  };
}

self.onmessage = async ({ data }) => {
  try {
    self.postMessage({ result: await run(data.url) });
  } catch (e) {
    self.postMessage({ error: `${e?.name}: ${e?.message}\n${e?.stack ?? ""}` });
  }
};
